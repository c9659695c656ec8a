// Peer: @fastify/http-proxy with default options in front of one upstream (HTTP/1.1).
import Fastify from 'fastify';
import proxy from '@fastify/http-proxy';
import { arg, exitWhenOrphaned } from './parent-watch.mjs';

exitWhenOrphaned();
const port = Number(arg('port'));
const upstream = arg('upstream');
const app = Fastify({ logger: false, keepAliveTimeout: 300_000, bodyLimit: 16 * 1024 * 1024 });
await app.register(proxy, { upstream });
await app.listen({ port, host: '127.0.0.1' });
