/**
 * A raw HTTP/2 client for abuse tests: writes frames node's client would never send (streams
 * past the peer's limit, immediate RST_STREAM floods, invalid WINDOW_UPDATEs) and records the
 * frames the server answers with. HPACK is limited to static-table entries and one literal.
 */
import { constants } from 'node:http2';
import { connect, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { TestContext } from 'node:test';

export const FrameType = { DATA: 0, HEADERS: 1, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7, WINDOW_UPDATE: 8, CONTINUATION: 9 } as const;

export interface Frame {
  type: number;
  flags: number;
  streamId: number;
  payload: Buffer;
}

export interface RawH2 {
  socket: Socket;
  frames: Frame[];
  closed: Promise<void>;
  send(type: number, flags: number, streamId: number, payload?: Buffer): void;
  /** GET `path` on `streamId` (odd), END_STREAM | END_HEADERS. */
  get(streamId: number, path?: string): void;
  rst(streamId: number, code: number): void;
  /** Resolves once a frame matching `pred` has arrived (or the connection closed). */
  until(pred: (f: Frame) => boolean): Promise<Frame | undefined>;
}

/** One frame's bytes (for bursts written in a single socket write). */
export function frameBytes(type: number, flags: number, streamId: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(9);
  h.writeUIntBE(payload.length, 0, 3);
  h[3] = type;
  h[4] = flags;
  h.writeUInt32BE(streamId & 0x7fffffff, 5);
  return Buffer.concat([h, payload]);
}

/** Header block: :method GET, :scheme http, :path (literal), :authority "a". */
export function headerBlock(path: string): Buffer {
  const p = Buffer.from(path);
  // 0x82 :method GET, 0x86 :scheme http, 0x04 literal (no indexing) name index 4 (:path), 0x41 literal :authority.
  return Buffer.concat([Buffer.from([0x82, 0x86, 0x04, p.length]), p, Buffer.from([0x01, 0x01, 0x61])]);
}

/** `open`: the connection to speak on (e.g. TLS with ALPN h2); default cleartext to 127.0.0.1:`port`. */
export function rawH2(t: TestContext, port: number, open: () => Socket = () => connect(port, '127.0.0.1')): Promise<RawH2> {
  return new Promise((resolve) => {
    const socket = open();
    t.after(() => socket.destroy());
    socket.on('error', () => {});
    const frames: Frame[] = [];
    const waiters: { pred: (f: Frame) => boolean; done: (f: Frame | undefined) => void }[] = [];
    const closed = new Promise<void>((r) =>
      socket.once('close', () => {
        for (const w of waiters.splice(0)) w.done(undefined);
        r();
      }),
    );
    let buf: Buffer = Buffer.alloc(0);
    socket.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      while (buf.length >= 9) {
        const len = buf.readUIntBE(0, 3);
        if (buf.length < 9 + len) break;
        const f = { type: buf[3]!, flags: buf[4]!, streamId: buf.readUInt32BE(5) & 0x7fffffff, payload: buf.subarray(9, 9 + len) };
        buf = buf.subarray(9 + len);
        frames.push(f);
        // Acknowledge the server's SETTINGS, as a well-behaved peer would.
        if (f.type === FrameType.SETTINGS && (f.flags & 1) === 0) socket.write(frameBytes(FrameType.SETTINGS, 1, 0, Buffer.alloc(0)));
        for (let i = waiters.length - 1; i >= 0; i--) {
          if (waiters[i]!.pred(f)) waiters.splice(i, 1)[0]!.done(f);
        }
      }
    });
    const send = (type: number, flags: number, streamId: number, payload: Buffer = Buffer.alloc(0)): void => {
      if (!socket.destroyed) socket.write(frameBytes(type, flags, streamId, payload));
    };
    socket.once(socket instanceof TLSSocket ? 'secureConnect' : 'connect', () => {
      socket.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
      send(FrameType.SETTINGS, 0, 0);
      resolve({
        socket,
        frames,
        closed,
        send,
        get: (id, path = '/') => send(FrameType.HEADERS, 0x5, id, headerBlock(path)),
        rst: (id, code) => {
          const p = Buffer.alloc(4);
          p.writeUInt32BE(code);
          send(FrameType.RST_STREAM, 0, id, p);
        },
        until(pred) {
          const hit = frames.find(pred);
          if (hit) return Promise.resolve(hit);
          if (socket.destroyed) return Promise.resolve(undefined);
          return new Promise((done) => waiters.push({ pred, done }));
        },
      });
    });
  });
}

/** The error code of a GOAWAY frame. */
export function goawayCode(f: Frame): number {
  return f.payload.readUInt32BE(4);
}

/**
 * `count` GETs of `path`, each followed at once by its RST_STREAM (CANCEL), as one buffer: the
 * rapid-reset pattern (CVE-2023-44487) for a single socket write, so the server parses it all in
 * one read.
 */
export function rapidResetBurst(path: string, count: number): Buffer {
  const cancel = Buffer.alloc(4);
  cancel.writeUInt32BE(constants.NGHTTP2_CANCEL);
  const frames: Buffer[] = [];
  for (let id = 1; id < 2 * count; id += 2) {
    frames.push(frameBytes(FrameType.HEADERS, 0x5, id, headerBlock(path)));
    frames.push(frameBytes(FrameType.RST_STREAM, 0, id, cancel));
  }
  return Buffer.concat(frames);
}
