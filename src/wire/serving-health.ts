/**
 * What a server says of itself in grpc.health.v1 and on `/healthz`: one
 * status with the reason behind it, so that an operator reading a 503 or a
 * NOT_SERVING learns why.
 */
export interface ServingHealth {
  status: "SERVING" | "NOT_SERVING";
  /** Why, in words: "primary at epoch 3", "fenced: deposed at epoch 4", "1 of 2 sync backups connected". */
  reason: string;
}
