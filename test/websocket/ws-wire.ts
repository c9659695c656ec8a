/**
 * A minimal WebSocket (RFC 6455) for tests, no `ws` dependency: the opening handshake on both
 * sides and single-frame text messages (client frames masked, as the RFC requires).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { TestContext } from 'node:test';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export function acceptKey(key: string): string {
  return createHash('sha1').update(key + GUID).digest('base64');
}

/** One text frame; `mask` for client → server. */
export function textFrame(text: string, mask: boolean): Buffer {
  const payload = Buffer.from(text);
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x81, (mask ? 0x80 : 0) | len]) : Buffer.from([0x81, (mask ? 0x80 : 0) | 126, len >> 8, len & 255]);
  if (!mask) return Buffer.concat([head, payload]);
  const key = randomBytes(4);
  const body = Buffer.from(payload.map((b, i) => b ^ key[i % 4]!));
  return Buffer.concat([head, key, body]);
}

/** Parses complete frames off `buf`; returns the text messages and what is left. */
export function readFrames(buf: Buffer): { messages: string[]; opcodes: number[]; rest: Buffer } {
  const messages: string[] = [];
  const opcodes: number[] = [];
  let off = 0;
  while (buf.length - off >= 2) {
    const op = buf[off]! & 0x0f;
    const masked = (buf[off + 1]! & 0x80) !== 0;
    let len = buf[off + 1]! & 0x7f;
    let p = off + 2;
    if (len === 126) {
      if (buf.length < p + 2) break;
      len = buf.readUInt16BE(p);
      p += 2;
    }
    const keyAt = p;
    if (masked) p += 4;
    if (buf.length < p + len) break;
    let payload = buf.subarray(p, p + len);
    if (masked) payload = Buffer.from(payload.map((b, i) => b ^ buf[keyAt + (i % 4)]!));
    opcodes.push(op);
    if (op === 1) messages.push(payload.toString());
    off = p + len;
  }
  return { messages, opcodes, rest: buf.subarray(off) };
}

export interface WsServer {
  server: Server;
  port: number;
  address: string;
  upgrades: IncomingMessage[];
  /** Server-side sockets of accepted upgrades. */
  sockets: Socket[];
}

/** Echo server: answers each text message with "echo:<text>"; `refuse` answers 403 instead of 101. */
export async function startWsEcho(t: TestContext, opts: { refuse?: boolean } = {}): Promise<WsServer> {
  const upgrades: IncomingMessage[] = [];
  const sockets: Socket[] = [];
  const server = createServer((_req, res) => res.end('plain'));
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    upgrades.push(req);
    socket.on('error', () => {});
    if (opts.refuse) {
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 6\r\nconnection: close\r\n\r\nnot ok');
      return;
    }
    sockets.push(socket);
    // node:http's sockets allow half-open; a WebSocket endpoint closes when its peer does.
    socket.on('end', () => socket.end());
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: ${acceptKey(String(req.headers['sec-websocket-key']))}\r\n\r\n`,
    );
    let buf: Buffer = Buffer.alloc(0);
    socket.on('data', (c: Buffer) => {
      const r = readFrames(Buffer.concat([buf, c]));
      buf = r.rest;
      for (const m of r.messages) socket.write(textFrame(`echo:${m}`, false));
      if (r.opcodes.includes(8)) socket.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  t.after(() => {
    for (const s of sockets) s.destroy();
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return { server, port, address: `127.0.0.1:${port}`, upgrades, sockets };
}

export interface WsClient {
  socket: Socket;
  /** Status line and headers of the handshake response. */
  status: number;
  headers: Record<string, string>;
  key: string;
  /** Sends a text message and resolves with the next message received. */
  roundTrip(text: string): Promise<string>;
  closed: Promise<void>;
}

/** Opens a WebSocket to 127.0.0.1:port (path, extra request headers). */
export function wsConnect(t: TestContext, port: number, path = '/ws', extra: Record<string, string> = {}): Promise<WsClient> {
  return new Promise((resolve, reject) => {
    const key = randomBytes(16).toString('base64');
    const socket = connect(port, '127.0.0.1');
    t.after(() => socket.destroy());
    socket.on('error', reject);
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    let lines = `GET ${path} HTTP/1.1\r\nhost: ws.test\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-key: ${key}\r\nsec-websocket-version: 13\r\n`;
    for (const [k, v] of Object.entries(extra)) lines += `${k}: ${v}\r\n`;
    socket.write(`${lines}\r\n`);
    let buf: Buffer = Buffer.alloc(0);
    let waiting: ((m: string) => void) | null = null;
    const queue: string[] = [];
    const onMessages = (): void => {
      const r = readFrames(buf);
      buf = r.rest;
      queue.push(...r.messages);
      while (waiting !== null && queue.length > 0) {
        const w = waiting;
        waiting = null;
        w(queue.shift()!);
      }
    };
    const onHead = (c: Buffer): void => {
      buf = Buffer.concat([buf, c]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onHead);
      const head = buf.subarray(0, end).toString('latin1').split('\r\n');
      buf = buf.subarray(end + 4);
      const headers: Record<string, string> = {};
      for (const l of head.slice(1)) {
        const i = l.indexOf(':');
        headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      socket.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        onMessages();
      });
      resolve({
        socket,
        status: Number(head[0]!.split(' ')[1]),
        headers,
        key,
        closed,
        roundTrip(text) {
          return new Promise((r) => {
            waiting = r;
            socket.write(textFrame(text, true));
            onMessages();
          });
        },
      });
    };
    socket.on('data', onHead);
  });
}
