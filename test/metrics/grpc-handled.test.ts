/**
 * grpc_server_handled_total's interceptor on a real grpc-js server in this
 * process: each call counted once when it ends, by its status, including
 * calls that end without one (cancelled by the client, or past their
 * deadline), and a status another interceptor sends in front of it.
 */
import * as grpc from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { ServerMetrics } from "../../src/metrics/server-metrics.js";
import { bindServer, newServer } from "../../src/wire/server.js";
import { useDefer } from "../support/defer.js";
import { parsePrometheusText, sampleValue } from "../support/prometheus-text.js";
import { until } from "../support/until.js";

const defer = useDefer();
const bytes = (b: Buffer) => b;
const unary = (path: string): grpc.MethodDefinition<Buffer, Buffer> => ({
  path,
  requestStream: false,
  responseStream: false,
  requestSerialize: bytes,
  requestDeserialize: bytes,
  responseSerialize: bytes,
  responseDeserialize: bytes,
});
const SERVICE = {
  Echo: unary("/test.Svc/Echo"),
  Fail: unary("/test.Svc/Fail"),
  Hang: unary("/test.Svc/Hang"),
  Refused: unary("/test.Svc/Refused"),
  Stream: { ...unary("/test.Svc/Stream"), responseStream: true },
} satisfies grpc.ServiceDefinition;

/** An interceptor in front of the counting one that refuses /Refused, as the authorization check does. */
const refusing: grpc.ServerInterceptor = (method, call) =>
  new grpc.ServerInterceptingCall(call, {
    start: (next) =>
      next({
        onReceiveMetadata: (metadata, nextMetadata) => {
          if (method.path.endsWith("/Refused")) call.sendStatus({ code: grpc.status.PERMISSION_DENIED, details: "no" });
          else nextMetadata(metadata);
        },
      }),
  });

async function serve() {
  const metrics = new ServerMetrics();
  const server = newServer({ interceptors: metrics.intercepting([refusing]) });
  server.addService(SERVICE, {
    Echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => callback(null, call.request),
    Fail: (_call: unknown, callback: grpc.sendUnaryData<Buffer>) => callback({ code: grpc.status.NOT_FOUND, details: "none" }),
    Hang: () => {},
    Refused: (_call: unknown, callback: grpc.sendUnaryData<Buffer>) => callback(null, Buffer.alloc(0)),
    Stream: (call: grpc.ServerWritableStream<Buffer, Buffer>) => call.write(Buffer.from("first")),
  });
  const port = await bindServer(server, "127.0.0.1:0");
  defer(() => server.forceShutdown());
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  defer(() => client.close());
  const call = (name: "Echo" | "Fail" | "Hang" | "Refused", deadline = Date.now() + 5_000) =>
    new Promise<number>((resolve) =>
      client.makeUnaryRequest(SERVICE[name].path, bytes, bytes, Buffer.from("x"), { deadline }, (error) => resolve(error ? error.code : 0)),
    );
  const handled = async (method: string, code: string) =>
    sampleValue(parsePrometheusText(await metrics.text()), "grpc_server_handled_total", { grpc_service: "test.Svc", grpc_method: method, grpc_code: code }) ?? 0;
  return { client, call, handled };
}

describe("grpc_server_handled_total", () => {
  it("counts each call once, by the status it ended with", async () => {
    const { call, handled } = await serve();
    expect(await call("Echo")).toBe(0);
    expect(await call("Echo")).toBe(0);
    expect(await call("Fail")).toBe(grpc.status.NOT_FOUND);
    expect(await call("Refused")).toBe(grpc.status.PERMISSION_DENIED);
    expect([await handled("Echo", "OK"), await handled("Fail", "NotFound"), await handled("Refused", "PermissionDenied"), await handled("Refused", "OK")]).toEqual([2, 1, 1, 0]);
  });

  it("counts a call that ends without a status: past its deadline, or cancelled by the client", async () => {
    const { client, call, handled } = await serve();
    expect(await call("Hang", Date.now() + 100)).toBe(grpc.status.DEADLINE_EXCEEDED);
    await until(async () => (await handled("Hang", "DeadlineExceeded")) === 1, "the deadline counted");
    const stream = client.makeServerStreamRequest(SERVICE.Stream.path, bytes, bytes, Buffer.from("x"));
    stream.on("error", () => {});
    await new Promise((resolve) => stream.once("data", resolve));
    stream.cancel();
    await until(async () => (await handled("Stream", "Canceled")) === 1, "the cancellation counted");
    expect(await handled("Hang", "Canceled")).toBe(0);
  });
});
