/**
 * TLS termination settings of one filter chain, built once from its `tls` block: a
 * SecureContext per certificate (SNI picks one: exact, then wildcard, else the first), client
 * certificate policy and ALPN. Certificate, key and CA files are watched; when one changes the
 * contexts are rebuilt (debounced) and new handshakes use them, while live connections keep
 * theirs. A bad new file keeps the previous contexts and logs why.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { createSecureContext, type SecureContext, type TLSSocketOptions } from 'node:tls';
import type { ClientCertificateMode, TlsConfig } from '../config/types.js';
import type { Logger } from '../observability/contract.js';
import { sans } from './connection-tls.js';
import { bestNameScore } from './server-names.js';

/** How long file events settle before a reload (editors and `cp` write in several steps). */
const RELOAD_DEBOUNCE_MS = 100;

interface CertEntry {
  names: string[];
  context: SecureContext;
}

/** One chain's TLS termination (see the file comment). */
export class ServerTls {
  readonly mode: ClientCertificateMode;
  readonly alpn: string[] | undefined;
  /** Options for `new TLSSocket(raw, options)`; replaced whole on reload. */
  options: TLSSocketOptions;
  /** Successful reloads (tests wait on it). */
  reloads = 0;
  private entries: CertEntry[];
  private readonly watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;

  /** Reads and checks every file now; throws with the reason (a config error at start). */
  constructor(private readonly cfg: TlsConfig, private readonly baseDir: string, defaultAlpn: string[] | undefined,
    private readonly log: Logger) {
    this.mode = cfg.client_certificate ?? (cfg.client_ca_file !== undefined ? 'required' : 'none');
    this.alpn = cfg.alpn ?? defaultAlpn;
    this.entries = this.load();
    this.options = this.buildOptions();
  }

  /** The SecureContext for SNI `name` (lower-case; '' when the client sent none). */
  select(name: string): SecureContext {
    let best = this.entries[0]!;
    let score = -1;
    if (name !== '') {
      for (const e of this.entries) {
        const s = bestNameScore(e.names, name, true);
        if (s > score) {
          score = s;
          best = e;
        }
      }
    }
    return best.context;
  }

  /** Starts watching the files for changes. */
  watch(): void {
    const byDir = new Map<string, Set<string>>();
    for (const f of this.files()) {
      const dir = dirname(f);
      if (!byDir.has(dir)) byDir.set(dir, new Set());
      byDir.get(dir)!.add(basename(f));
    }
    for (const [dir, names] of byDir) {
      try {
        // The directory, not the file: replacing a file (rename over it) would end a file watch.
        const w = watch(dir, { persistent: false }, (_ev, file) => {
          if (file === null || names.has(String(file))) this.scheduleReload();
        });
        w.on('error', (err) => this.log.warn('tls file watch failed', { dir, error: String(err) }));
        this.watchers.push(w);
      } catch (err) {
        this.log.warn('tls file watch failed', { dir, error: String(err) });
      }
    }
  }

  close(): void {
    for (const w of this.watchers) w.close();
    this.watchers.length = 0;
    if (this.timer) clearTimeout(this.timer);
  }

  /** Re-reads every file; on any error the current contexts stay. */
  reload(): void {
    try {
      this.entries = this.load();
      this.options = this.buildOptions();
      this.reloads++;
      this.log.info('tls certificates reloaded', { files: this.files().length });
    } catch (err) {
      this.log.error('tls certificates reload failed, keeping the previous ones', { error: (err as Error).message });
    }
  }

  private scheduleReload(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.reload();
    }, RELOAD_DEBOUNCE_MS);
    this.timer.unref();
  }

  private files(): string[] {
    const c = this.cfg;
    const out: string[] = [];
    if (c.cert_file) out.push(c.cert_file);
    if (c.key_file) out.push(c.key_file);
    for (const e of c.certificates ?? []) out.push(e.cert_file, e.key_file);
    if (c.client_ca_file) out.push(c.client_ca_file);
    return out.map((f) => resolve(this.baseDir, f));
  }

  private load(): CertEntry[] {
    const c = this.cfg;
    const read = (f: string): Buffer => readFileSync(resolve(this.baseDir, f));
    const ca = c.client_ca_file !== undefined ? read(c.client_ca_file) : undefined;
    const list = c.certificates ?? [{ cert_file: c.cert_file!, key_file: c.key_file!, server_names: undefined }];
    return list.map((e) => {
      const cert = read(e.cert_file);
      const key = read(e.key_file);
      const context = createSecureContext({
        cert, key, ...(ca ? { ca } : {}), minVersion: c.min_version ?? 'TLSv1.2',
        ...(c.ciphers ? { ciphers: c.ciphers } : {}),
      });
      return { names: e.server_names ?? ownNames(cert), context };
    });
  }

  private buildOptions(): TLSSocketOptions {
    const first = this.entries[0]!.context;
    return {
      isServer: true,
      secureContext: first,
      SNICallback: (name, cb) => cb(null, this.select(name.toLowerCase())),
      requestCert: this.mode !== 'none',
      // optional: a certificate that does not verify is refused after the handshake (Envoy
      // verifies whatever is presented); required: node refuses the handshake itself.
      rejectUnauthorized: this.mode === 'required',
      ...(this.alpn ? { ALPNProtocols: this.alpn } : {}),
    };
  }
}

/** The DNS names (SANs, else CN) of the leaf certificate in `pem`. */
function ownNames(pem: Buffer): string[] {
  const cert = new X509Certificate(pem);
  const dns = sans(cert).dns;
  if (dns.length > 0) return dns;
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1];
  return cn ? [cn] : [];
}
