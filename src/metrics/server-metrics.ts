/**
 * One server's metrics: a prom-client registry of its own (not prom-client's
 * global one: tests and benches run several servers in one process), the
 * gRPC interceptor that counts its calls, and the text /metrics serves.
 * Made only when the server has `--http`: without it nothing is counted.
 */
import type * as grpc from "@grpc/grpc-js";
import { Registry } from "prom-client";
import { handledInterceptor } from "./grpc-handled.js";
import { processMetrics } from "./process-metrics.js";

export class ServerMetrics {
  /** This server's metrics; Node's process metrics join them when read (process-metrics.ts). */
  readonly registry = new Registry();
  private readonly interceptor: grpc.ServerInterceptor;

  constructor() {
    this.interceptor = handledInterceptor(this.registry);
  }

  /** `others` (the authorization check) behind the counting interceptor, which must see the status they send. */
  intercepting(others: readonly grpc.ServerInterceptor[]): grpc.ServerInterceptor[] {
    return [this.interceptor, ...others];
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of this server's metrics and the process's. */
  text(): Promise<string> {
    return Registry.merge([this.registry, processMetrics()]).metrics();
  }
}
