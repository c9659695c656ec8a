/**
 * Sluice's AssemblyScript SDK for proxy-wasm filters. Import the API from here:
 *
 *     import { RootContext, HttpContext, registerRoot, FilterHeadersStatus } from "sdk/assembly";
 *     export * from "sdk/assembly/exports";
 *
 * See sdk/README.md for the filter author's guide.
 */
export * from "./abi/enums";
export { Header } from "./abi/pairs";
export { BaseContext, HttpCallCallback } from "./context/base";
export { RootContext } from "./context/root";
export { HttpContext } from "./context/http";
export { TcpContext } from "./context/tcp";
export { registerRoot, RootFactory, httpContextOf, tcpContextOf } from "./context/registry";
export * from "./api/log";
export * from "./api/headers";
export * from "./api/buffers";
export * from "./api/properties";
export * from "./api/time";
export * from "./api/metrics";
export * from "./api/shared";
export { HttpCallResponse } from "./api/http-call";
export { CalloutStatus, getStatus } from "./api/status";
export { GrpcResponse, GrpcCallCallback, GrpcStreamHandler } from "./context/grpc";
export { ForeignResult, callForeignFunction } from "./api/foreign";
export { JsonKind, JsonValue, quoteJson } from "./json/value";
export { parseJson } from "./json/parse";
export { sha256, hmacSha256, constantTimeEqual } from "./crypto/sha256";
export * from "./encoding/codecs";
