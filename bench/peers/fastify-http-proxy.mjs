// Peer: @fastify/http-proxy with its defaults (HTTP/1.1). See servers/fastify-proxy.mjs.
import { startNodeScript } from './node-script.mjs';

export const id = 'fastify-http-proxy';
export const label = '@fastify/http-proxy';
export const protocols = ['h1'];
export const needs = [];

/** Starts fastify + @fastify/http-proxy on `port`; resolves to {pid, stop()}. */
export function start(ctx, { port, upstream }) {
  return startNodeScript(ctx, { name: '@fastify/http-proxy', script: 'fastify-proxy.mjs', port, upstream });
}
