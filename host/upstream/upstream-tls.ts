/**
 * Upstream TLS per cluster (`tls:` in a cluster's config), resolved once at load: files read,
 * defaults filled, turned into the connect options undici's pools (and the WebSocket tunnel)
 * take. Certificate verification is on unless `verify: false`.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { ClusterTlsConfig } from '../config/types.js';

/** Connect options for TLS to one cluster's endpoints. */
export interface UpstreamTls {
  /** SNI and the name the certificate is checked against; per endpoint, a DNS name is the default. */
  servername: string | undefined;
  ca: Buffer | undefined;
  cert: Buffer | undefined;
  key: Buffer | undefined;
  rejectUnauthorized: boolean;
  /** Offer h2 in ALPN (protocol: http2, or alpn lists h2). */
  offerH2: boolean;
}

/**
 * Resolves a cluster's `tls` block; returns an error message (for "path: message") instead of
 * throwing. Relative file paths are taken from `baseDir` (the config file's folder).
 */
export function resolveUpstreamTls(c: ClusterTlsConfig, http2: boolean, baseDir: string): UpstreamTls | string {
  const read = (key: 'ca_file' | 'cert_file' | 'key_file'): Buffer | string | undefined => {
    const f = c[key];
    if (f === undefined) return undefined;
    try {
      return readFileSync(isAbsolute(f) ? f : join(baseDir, f));
    } catch (err) {
      return `${key}: cannot read "${f}" (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
    }
  };
  const ca = read('ca_file');
  const cert = read('cert_file');
  const key = read('key_file');
  for (const v of [ca, cert, key]) if (typeof v === 'string') return v;
  if ((cert === undefined) !== (key === undefined)) return 'cert_file and key_file go together';
  return {
    servername: c.sni,
    ca: ca as Buffer | undefined,
    cert: cert as Buffer | undefined,
    key: key as Buffer | undefined,
    rejectUnauthorized: c.verify ?? true,
    offerH2: http2 || (c.alpn ?? []).includes('h2'),
  };
}

/** tls.connect / undici `connect` options for one endpoint (`host`: its configured host). */
export function tlsConnectOptions(t: UpstreamTls, host: string, hostIsIp: boolean): Record<string, unknown> {
  const o: Record<string, unknown> = { rejectUnauthorized: t.rejectUnauthorized };
  const servername = t.servername ?? (hostIsIp ? undefined : host);
  if (servername !== undefined) o['servername'] = servername;
  if (t.ca !== undefined) o['ca'] = t.ca;
  if (t.cert !== undefined) o['cert'] = t.cert;
  if (t.key !== undefined) o['key'] = t.key;
  return o;
}
