/**
 * Filter-chain selection for a new connection, as Envoy's filter_chain_match: a chain whose
 * criteria the connection fails is out; among the rest the most specific server name wins
 * (exact, then the longest wildcard suffix, then chains without server_names), then a chain that
 * names the transport protocol, then one that names ALPN; ties go to the first in the file.
 * No match → the listener's default chain (or none: the connection is closed).
 */
import type { FilterChainMatchConfig } from '../config/types.js';
import { bestNameScore } from '../tls/server-names.js';

/** What the listener learnt from the first bytes. */
export interface ConnectionHello {
  /** A TLS ClientHello arrived. */
  tls: boolean;
  /** SNI ('' when none or not TLS). */
  serverName: string;
  /** ALPN protocols offered ([] when none). */
  alpn: readonly string[];
}

/** A chain as matching sees it. */
export interface Matchable {
  readonly match: FilterChainMatchConfig | undefined;
}

/** Whether any chain needs the ClientHello inspected (otherwise no bytes are peeked). */
export function needsInspection(chains: readonly Matchable[]): boolean {
  return chains.some((c) => c.match?.server_names || c.match?.alpn || c.match?.transport_protocol);
}

/** The chain for `hello`, or undefined when none matches. */
export function selectChain<C extends Matchable>(chains: readonly C[], hello: ConnectionHello): C | undefined {
  let best: C | undefined;
  let bestKey: number[] | undefined;
  for (const c of chains) {
    const m = c.match;
    let name = 0;
    if (m?.server_names) {
      const s = hello.serverName === '' ? -1 : bestNameScore(m.server_names, hello.serverName);
      if (s < 0) continue;
      name = 1 + s;
    }
    if (m?.transport_protocol && (m.transport_protocol === 'tls') !== hello.tls) continue;
    if (m?.alpn && !m.alpn.some((p) => hello.alpn.includes(p))) continue;
    const key = [name, m?.transport_protocol ? 1 : 0, m?.alpn ? 1 : 0];
    if (bestKey === undefined || greater(key, bestKey)) {
      best = c;
      bestKey = key;
    }
  }
  return best;
}

function greater(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return false;
}
