/**
 * Sluice filter test harness: load a proxy-wasm filter into the real host in-process and run
 * requests through it. See sdk/README.md ("Test").
 */
export { FilterHarness, type FilterSpec, type HarnessOptions } from './harness.js';
export { PendingHttpCall, type HttpCallHandler } from './http-calls.js';
export type {
  ExchangeResult, HeadersInit, HttpCallReply, HttpCallRequest, LogLine, RequestSpec, ResponseSpec, UpstreamRequest,
} from './types.js';
