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

/**
 * Raw trailer pairs → a trailer object (node:http's and node:http2's addTrailers both take one;
 * the h2 compatibility response takes nothing else). Repeated names keep every value.
 */
export function trailerRecord(raw: readonly Buffer[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i < raw.length; i += 2) addTo(out, raw[i]!.toString('latin1').toLowerCase(), raw[i + 1]!.toString('latin1'));
  return out;
}

/** A header map (trailers) → the record addTrailers takes; pseudo-headers are not expected here. */
export function headerMapRecord(map: { entries(): IterableIterator<[string, string]> }): Record<string, string | string[]> {
  const rec: Record<string, string | string[]> = {};
  for (const [k, v] of map.entries()) addTo(rec, k, v);
  return rec;
}

/** Adds one value under `name`, turning a repeat into a list. */
export function addTo(rec: Record<string, string | string[]>, name: string, value: string): void {
  const cur = rec[name];
  if (cur === undefined) rec[name] = value;
  else if (typeof cur === 'string') rec[name] = [cur, value];
  else cur.push(value);
}

/** Applies a route's response header mutations to a flat list; returns the new list. */
export function mutateFlat(flat: string[], m: HeaderMutations | undefined): string[] {
  if (m === undefined) return flat;
  const rec = flatToRecord(flat);
  applyToHeaderRecord(rec, m);
  return recordToFlat(rec);
}
