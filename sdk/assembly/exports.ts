/**
 * Every export a proxy-wasm module can have, dispatched to the SDK's contexts. A filter
 * re-exports this from its entry file:
 *
 *     export * from "sdk/assembly/exports";
 *
 * The host skips callbacks a module does not export (no body delivery without body callbacks),
 * so a filter may instead export only the groups it uses: `exports/core` (always) plus any of
 * `exports/http-headers`, `exports/http-body`, `exports/http-trailers`, `exports/tcp`, `exports/log`,
 * `exports/grpc`, `exports/foreign`.
 */
export * from "./exports/core";
export * from "./exports/http-headers";
export * from "./exports/http-body";
export * from "./exports/http-trailers";
export * from "./exports/tcp";
export * from "./exports/log";
export * from "./exports/grpc";
export * from "./exports/foreign";
