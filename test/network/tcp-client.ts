/**
 * The client side of raw TCP tests: reading a connection until some text arrived, and one-shot
 * round trips on a fresh connection. Both settle when the peer goes away instead of hanging, so
 * a test fails on what it got rather than on a timeout.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

/**
 * Reads from `s` until the bytes received since the call include `text`, or the socket ends
 * or closes, and resolves with everything read.
 */
export function readUntil(s: Socket, text: string): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const onData = (d: Buffer): void => {
      got += d.toString();
      if (got.includes(text)) done();
    };
    const done = (): void => {
      s.off('data', onData);
      resolve(got);
    };
    s.on('data', onData);
    // 'end' as well as 'close': with allowHalfOpen a socket can end and stay open.
    s.once('end', done);
    s.once('close', done);
  });
}

/**
 * Connects to 127.0.0.1:`port`, sends `text`, and reads until `want` bytes arrived (then closes)
 * or the connection closed; resolves with what was read.
 */
export async function roundTrip(port: number, text: string, want = text.length): Promise<string> {
  const s = connect({ port, host: '127.0.0.1' });
  s.on('error', () => {});
  s.write(text);
  let got = '';
  s.on('data', (d: Buffer) => {
    got += d.toString();
    if (got.length >= want) s.destroy();
  });
  await once(s, 'close');
  return got;
}
