// Peer: the http-proxy package (HTTP/1.1). See servers/http-proxy.mjs.
import { startNodeScript } from './node-script.mjs';

export const id = 'http-proxy';
export const label = 'http-proxy';
export const protocols = ['h1'];
export const needs = [];

/** Starts node:http + http-proxy on `port`; resolves to {pid, stop()}. */
export function start(ctx, { port, upstream }) {
  return startNodeScript(ctx, { name: 'http-proxy', script: 'http-proxy.mjs', port, upstream });
}
