/** Semantic checks on clusters: load-balancer table sizes the schema cannot relate. */
import type { ConfigError } from './errors.js';
import type { SluiceConfig } from './types.js';
import { pathOf } from './walk.js';

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

/** ring_hash minimum ≤ maximum; maglev table_size prime (the Maglev permutation needs it); tls cert with key. */
export function checkClusters(config: SluiceConfig): ConfigError[] {
  const out: ConfigError[] = [];
  (config.clusters ?? []).forEach((c, i) => {
    const ring = c.ring_hash;
    if (ring?.minimum_ring_size !== undefined && ring.maximum_ring_size !== undefined && ring.minimum_ring_size > ring.maximum_ring_size) {
      out.push({ path: pathOf('clusters', i, 'ring_hash', 'minimum_ring_size'), message: 'must not be greater than maximum_ring_size' });
    }
    const tls = c.tls;
    if (tls !== undefined && (tls.cert_file === undefined) !== (tls.key_file === undefined)) {
      out.push({ path: pathOf('clusters', i, 'tls', tls.cert_file === undefined ? 'cert_file' : 'key_file'), message: 'cert_file and key_file go together' });
    }
    const size = c.maglev?.table_size;
    if (size !== undefined && !isPrime(size)) {
      out.push({ path: pathOf('clusters', i, 'maglev', 'table_size'), message: 'must be a prime number (e.g. 65537)' });
    }
  });
  return out;
}
