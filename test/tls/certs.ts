/**
 * Test certificates made with the openssl CLI in a temporary directory: a CA, server
 * certificates for several names (one a wildcard) and a client certificate with DNS and URI
 * SANs; on request, a certificate from a second, untrusted CA. EC P-256 keys keep generation fast.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

export interface Certs {
  dir: string;
  /** Path of `<name>.crt` / `<name>.key` in dir. */
  crt(name: string): string;
  key(name: string): string;
  /** File contents. */
  read(file: string): Buffer;
  ca: Buffer;
  /** Issues (or re-issues) `name` with subject CN `cn` and the given SANs. */
  issue(name: string, cn: string, san: string): void;
  /** Issues `name` (CN `cn`) from a second CA that nothing trusts. */
  issueUntrusted(name: string, cn: string): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** A CA plus server certs a.test, b.test, *.wild.test and client cert `client` (cleaned up after t). */
export function makeCerts(t: TestContext): Certs {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-certs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(dir, ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=Sluice Test CA', '-days', '2']);
  const issueBy = (ca: string, name: string, cn: string, san: string): void => {
    writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
    openssl(dir, ['req', ...ec, '-keyout', `${name}.key.new`, '-out', `${name}.csr`, '-subj', `/O=Sluice/CN=${cn}`]);
    openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial',
      '-out', `${name}.crt.new`, '-days', '2', '-extfile', `${name}.ext`]);
    // Written in place at the end (key then cert), as an operator would replace them.
    writeFileSync(join(dir, `${name}.key`), readFileSync(join(dir, `${name}.key.new`)));
    writeFileSync(join(dir, `${name}.crt`), readFileSync(join(dir, `${name}.crt.new`)));
  };
  const issue = (name: string, cn: string, san: string): void => issueBy('ca', name, cn, san);
  const issueUntrusted = (name: string, cn: string): void => {
    openssl(dir, ['req', '-x509', ...ec, '-keyout', 'rogue-ca.key', '-out', 'rogue-ca.crt', '-subj', '/CN=Rogue CA', '-days', '2']);
    issueBy('rogue-ca', name, cn, `DNS:${cn}`);
  };
  issue('a', 'a.test', 'DNS:a.test');
  issue('b', 'b.test', 'DNS:b.test');
  issue('wild', '*.wild.test', 'DNS:*.wild.test');
  issue('client', 'client', 'DNS:client.test,URI:spiffe://test/client');
  return {
    dir,
    crt: (n) => join(dir, `${n}.crt`),
    key: (n) => join(dir, `${n}.key`),
    read: (f) => readFileSync(join(dir, f)),
    ca: readFileSync(join(dir, 'ca.crt')),
    issue,
    issueUntrusted,
  };
}
