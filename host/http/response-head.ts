/**
 * Upstream response headers on their way downstream: undici hands them over raw (Buffer pairs,
 * as read off the wire); hop-by-hop ones are dropped and the rest become the flat string list
 * node's `writeHead` accepts, with no intermediate header object.
 */
import type { HeaderMutations } from '../router/contract.js';
import { applyToHeaderRecord } from '../router/header-mutations.js';
import { connectionTokens, isHopByHop, removeNamed } from './hop-by-hop.js';
import { flatToRecord, recordToFlat } from './request-head.js';

/** Raw upstream headers → forwardable flat list with lower-case names. */
export function filterResponseHeaders(raw: readonly Buffer[]): string[] {
  const out: string[] = [];
  let connection: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1').toLowerCase();
    if (isHopByHop(name)) {
      if (name === 'connection') connection = raw[i + 1]!.toString('latin1');
      continue;
    }
    out.push(name, raw[i + 1]!.toString('latin1'));
  }
  if (connection !== undefined) {
    const extra = connectionTokens(connection);
    if (extra.length > 0) removeNamed(out, extra);
  }
  return out;
}

/** Raw trailer pairs → [name, value] tuples (node's addTrailers). */
export function trailerTuples(raw: readonly Buffer[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i]!.toString('latin1').toLowerCase(), raw[i + 1]!.toString('latin1')]);
  return out;
}

/** Applies a route's response header mutations to a flat list; returns the new list. */
export function mutateFlat(flat: string[], m: HeaderMutations | undefined): string[] {
  if (m === undefined) return flat;
  const rec = flatToRecord(flat);
  applyToHeaderRecord(rec, m);
  return recordToFlat(rec);
}
