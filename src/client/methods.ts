/**
 * The methods of a generated service definition, by name, with their
 * request and reply types: what a typed call is checked against.
 */
import type * as grpc from "@grpc/grpc-js";
import type { MethodDefinition } from "@grpc/proto-loader";

/** The method names of a service definition, without its index signature. */
export type MethodName<D> = keyof { [K in keyof D as string extends K ? never : K]: D[K] } & string;

/** What a call of method K sends (the generated input type). */
export type RequestOf<D, K extends keyof D> = D[K] extends MethodDefinition<infer Req, infer _Res, infer _ReqOut, infer _ResOut> ? Req : never;

/** What a call of method K receives (the generated `…__Output` type). */
export type ReplyOf<D, K extends keyof D> = D[K] extends MethodDefinition<infer _Req, infer _Res, infer _ReqOut, infer ResOut> ? ResOut : never;

/**
 * One unary call of `method` (its definition, from a service definition)
 * on `client`. Rejects with grpc-js's ServiceError as it arrived: the caller
 * maps it (`fromServiceError`, `failureKind`).
 */
export function callUnary<Req, Res, ReplyIn = unknown, RequestOut = unknown>(
  client: grpc.Client,
  method: MethodDefinition<Req, ReplyIn, RequestOut, Res>,
  request: Req,
  options: grpc.CallOptions,
  metadata?: grpc.Metadata,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    const callback = (error: grpc.ServiceError | null, reply?: Res) => (error ? reject(error) : resolve(reply!));
    if (metadata) client.makeUnaryRequest(method.path, method.requestSerialize, method.responseDeserialize, request, metadata, options, callback);
    else client.makeUnaryRequest(method.path, method.requestSerialize, method.responseDeserialize, request, options, callback);
  });
}
