/**
 * headers_to_add / headers_to_remove: compiled once per route (virtual host and route lists
 * merged in the order they apply), and applied to either header shape the pipeline carries:
 * node/undici header records on the no-filter path, HeaderMap when filters run.
 *
 * Order within one HeaderMutations: every remove first, then every add in list order.
 * `append: false` (the default) replaces all values; `append: true` adds one more value.
 */
import type { HeaderValueOption } from '../config/types.js';
import type { HeaderMap } from '../http/header-map.js';
import type { HeaderMutations } from './contract.js';

/** One level's lists (virtual host or route), as found in config. */
export interface HeaderMutationSource {
  remove: readonly string[] | undefined;
  add: readonly HeaderValueOption[] | undefined;
}

/**
 * Merges levels in the order given (earlier levels apply first, so a later `append: false`
 * wins). Names are lower-cased here, once. Undefined when there is nothing to do, so the
 * pipeline skips the step entirely.
 */
export function compileHeaderMutations(levels: readonly HeaderMutationSource[]): HeaderMutations | undefined {
  const remove: string[] = [];
  const add: HeaderValueOption[] = [];
  for (const l of levels) {
    if (l.remove) {
      for (const r of l.remove) {
        const name = r.toLowerCase();
        if (!remove.includes(name)) remove.push(name);
        // Envoy applies each level as remove-then-add; in one flat list that means a later
        // level's remove also cancels what an earlier level added.
        for (let i = add.length - 1; i >= 0; i--) if (add[i]!.name === name) add.splice(i, 1);
      }
    }
    if (l.add) for (const a of l.add) add.push({ name: a.name.toLowerCase(), value: a.value, append: a.append === true });
  }
  if (remove.length === 0 && add.length === 0) return undefined;
  return { remove, add };
}

/**
 * Applies `m` to a node/undici header object (lower-case keys). An appended value turns a
 * single value into an array (one header line each); an existing array is copied, not mutated,
 * since it may be shared with the incoming request.
 */
export function applyToHeaderRecord(headers: Record<string, string | string[] | undefined>, m: HeaderMutations): void {
  for (const name of m.remove) {
    if (name in headers) delete headers[name];
  }
  for (const h of m.add) {
    if (!h.append) {
      headers[h.name] = h.value;
      continue;
    }
    const cur = headers[h.name];
    if (cur === undefined) headers[h.name] = h.value;
    else if (typeof cur === 'string') headers[h.name] = [cur, h.value];
    else headers[h.name] = [...cur, h.value];
  }
}

/** Applies `m` to a HeaderMap (filter path): remove, then set (replace) or add (append). */
export function applyToHeaderMap(map: HeaderMap, m: HeaderMutations): void {
  for (const name of m.remove) map.remove(name);
  for (const h of m.add) {
    if (h.append) map.add(h.name, h.value);
    else map.set(h.name, h.value);
  }
}
