/**
 * An ordered, multi-valued header map shaped for the proxy-wasm ABI: lower-cased names,
 * pseudo-headers (`:method`, `:path`, `:authority`, `:scheme`, `:status`) first, duplicates kept
 * as separate entries in wire order. Built only when a filter is in the chain; the no-filter
 * path forwards node's header objects as they are.
 */
export class HeaderMap {
  /** Flat [name0, value0, name1, value1, ...]; names lower-case. */
  private kv: string[];
  /** Set by every mutation, so the pipeline knows whether to re-route or re-serialize. */
  modified = false;

  constructor(kv: string[] = []) {
    this.kv = kv;
  }

  /** From node's rawHeaders ([name, value, ...], original case). Pseudo-headers go first. */
  static fromRaw(pseudo: string[], raw: readonly string[]): HeaderMap {
    const kv = pseudo.slice();
    for (let i = 0; i < raw.length; i += 2) kv.push(raw[i]!.toLowerCase(), raw[i + 1]!);
    return new HeaderMap(kv);
  }

  get count(): number {
    return this.kv.length >> 1;
  }

  /** Sum of name and value byte lengths (Envoy's byteSize, used by proxy_get_header_map_size). */
  byteSize(): number {
    let n = 0;
    // Names and values hold latin1 (one byte per char, as on the wire), not UTF-8.
    for (const s of this.kv) n += s.length;
    return n;
  }

  /** First value of `name`, or undefined. */
  get(name: string): string | undefined {
    const key = name.toLowerCase();
    for (let i = 0; i < this.kv.length; i += 2) if (this.kv[i] === key) return this.kv[i + 1];
    return undefined;
  }

  getAll(name: string): string[] {
    const key = name.toLowerCase();
    const out: string[] = [];
    for (let i = 0; i < this.kv.length; i += 2) if (this.kv[i] === key) out.push(this.kv[i + 1]!);
    return out;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Appends an entry (Envoy addCopy). */
  add(name: string, value: string): void {
    const key = name.toLowerCase();
    if (key.startsWith(':')) {
      // Pseudo-headers stay ahead of regular ones.
      let at = 0;
      while (at < this.kv.length && this.kv[at]!.startsWith(':')) at += 2;
      this.kv.splice(at, 0, key, value);
    } else {
      this.kv.push(key, value);
    }
    this.modified = true;
  }

  /** Removes every value of `name`, then adds one (Envoy setCopy). Keeps the first position. */
  set(name: string, value: string): void {
    const key = name.toLowerCase();
    let first = -1;
    for (let i = 0; i < this.kv.length; ) {
      if (this.kv[i] === key) {
        if (first < 0) {
          first = i;
          this.kv[i + 1] = value;
          i += 2;
        } else {
          this.kv.splice(i, 2);
        }
      } else i += 2;
    }
    if (first < 0) this.add(key, value);
    this.modified = true;
  }

  /** Removes every value of `name`; fine when absent. */
  remove(name: string): void {
    const key = name.toLowerCase();
    for (let i = 0; i < this.kv.length; ) {
      if (this.kv[i] === key) {
        this.kv.splice(i, 2);
        this.modified = true;
      } else i += 2;
    }
  }

  /** Replaces the whole map (proxy_set_header_map_pairs). */
  replaceAll(pairs: Iterable<[string, string]>): void {
    const kv: string[] = [];
    const pseudo: string[] = [];
    for (const [k, v] of pairs) {
      const key = k.toLowerCase();
      (key.startsWith(':') ? pseudo : kv).push(key, v);
    }
    this.kv = pseudo.concat(kv);
    this.modified = true;
  }

  /** Entries in order, pseudo-headers first. */
  *entries(): IterableIterator<[string, string]> {
    for (let i = 0; i < this.kv.length; i += 2) yield [this.kv[i]!, this.kv[i + 1]!];
  }

  /** Flat [name, value, ...] without pseudo-headers, for undici / node:http (multi-values kept). */
  toRawWithoutPseudo(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.kv.length; i += 2) if (!this.kv[i]!.startsWith(':')) out.push(this.kv[i]!, this.kv[i + 1]!);
    return out;
  }

  /** The underlying flat array (read-only use: serialization). */
  raw(): readonly string[] {
    return this.kv;
  }
}
