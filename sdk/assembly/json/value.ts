/**
 * A JSON value tree: what `parseJson` returns and `stringify` writes. One class for every
 * kind keeps navigation free of casts; objects keep their key order. Accessors never throw:
 * a missing key or a wrong kind gives null or the fallback you pass.
 */

/** The kind of a JSON value. */
export enum JsonKind {
  /** `null`. */
  Null = 0,
  /** `true` or `false`, in `bool`. */
  Bool = 1,
  /** A number, in `num` (source text in `str`). */
  Number = 2,
  /** A string, in `str`. */
  String = 3,
  /** An array, elements in `items`. */
  Array = 4,
  /** An object, names in `keys` and values in `items`. */
  Object = 5,
}

/** One JSON value. */
export class JsonValue {
  /** What this value is. */
  kind: JsonKind = JsonKind.Null;
  /** Bool value (kind Bool). */
  bool: bool = false;
  /** Number value (kind Number). */
  num: f64 = 0;
  /** String value (kind String), or the number's source text (kind Number) so it round-trips. */
  str: string = "";
  /** Elements (kind Array) or member values (kind Object). */
  items: Array<JsonValue> = new Array<JsonValue>();
  /** Member names (kind Object), parallel to `items`. */
  keys: Array<string> = new Array<string>();

  /** `null`. */
  static null(): JsonValue { return new JsonValue(); }
  /** A bool. */
  static fromBool(b: bool): JsonValue { const v = new JsonValue(); v.kind = JsonKind.Bool; v.bool = b; return v; }
  /** A number. */
  static fromNumber(n: f64): JsonValue {
    const v = new JsonValue(); v.kind = JsonKind.Number; v.num = n;
    v.str = n == Math.floor(n) && Math.abs(n) < 1e15 ? (<i64>n).toString() : n.toString();
    return v;
  }
  /** A string. */
  static fromString(s: string): JsonValue { const v = new JsonValue(); v.kind = JsonKind.String; v.str = s; return v; }
  /** An empty array. */
  static array(): JsonValue { const v = new JsonValue(); v.kind = JsonKind.Array; return v; }
  /** An empty object. */
  static object(): JsonValue { const v = new JsonValue(); v.kind = JsonKind.Object; return v; }

  /** True for `null`. */
  get isNull(): bool { return this.kind == JsonKind.Null; }
  /** True for objects. */
  get isObject(): bool { return this.kind == JsonKind.Object; }
  /** True for arrays. */
  get isArray(): bool { return this.kind == JsonKind.Array; }
  /** True for strings. */
  get isString(): bool { return this.kind == JsonKind.String; }
  /** True for numbers. */
  get isNumber(): bool { return this.kind == JsonKind.Number; }
  /** True for bools. */
  get isBool(): bool { return this.kind == JsonKind.Bool; }

  /** Number of elements or members (0 for scalars). */
  get length(): i32 { return this.items.length; }

  /** Element `i` of an array, or null. */
  at(i: i32): JsonValue | null {
    if (this.kind != JsonKind.Array || i < 0 || i >= this.items.length) return null;
    return unchecked(this.items[i]);
  }

  /** Member `key` of an object, or null (also for non-objects). */
  get(key: string): JsonValue | null {
    if (this.kind != JsonKind.Object) return null;
    for (let i = 0; i < this.keys.length; i++) if (unchecked(this.keys[i]) == key) return unchecked(this.items[i]);
    return null;
  }

  /** Whether an object has member `key`. */
  has(key: string): bool { return this.get(key) !== null; }

  /** Member `key` as a string, else `fallback`. */
  getString(key: string, fallback: string = ""): string {
    const v = this.get(key);
    return v !== null && v.kind == JsonKind.String ? v.str : fallback;
  }

  /** Member `key` as a number, else `fallback`. */
  getNumber(key: string, fallback: f64 = 0): f64 {
    const v = this.get(key);
    return v !== null && v.kind == JsonKind.Number ? v.num : fallback;
  }

  /** Member `key` as a bool, else `fallback`. */
  getBool(key: string, fallback: bool = false): bool {
    const v = this.get(key);
    return v !== null && v.kind == JsonKind.Bool ? v.bool : fallback;
  }

  /** Member `key` if it is an object, else null. */
  getObject(key: string): JsonValue | null {
    const v = this.get(key);
    return v !== null && v.kind == JsonKind.Object ? v : null;
  }

  /** Member `key` if it is an array, else null. */
  getArray(key: string): JsonValue | null {
    const v = this.get(key);
    return v !== null && v.kind == JsonKind.Array ? v : null;
  }

  /** Member `key` as a list of strings (non-strings skipped); empty when absent. */
  getStringList(key: string): Array<string> {
    const out = new Array<string>();
    const v = this.getArray(key);
    if (v === null) return out;
    for (let i = 0; i < v.items.length; i++) {
      const e = unchecked(v.items[i]);
      if (e.kind == JsonKind.String) out.push(e.str);
    }
    return out;
  }

  /** Sets member `key` of an object (replacing an existing one); false for non-objects. */
  set(key: string, value: JsonValue): bool {
    if (this.kind != JsonKind.Object) return false;
    for (let i = 0; i < this.keys.length; i++) {
      if (unchecked(this.keys[i]) == key) { this.items[i] = value; return true; }
    }
    this.keys.push(key);
    this.items.push(value);
    return true;
  }

  /** Removes member `key` of an object; false when absent. */
  remove(key: string): bool {
    if (this.kind != JsonKind.Object) return false;
    for (let i = 0; i < this.keys.length; i++) {
      if (unchecked(this.keys[i]) == key) {
        this.keys.splice(i, 1);
        this.items.splice(i, 1);
        return true;
      }
    }
    return false;
  }

  /** Appends to an array; false for non-arrays. */
  push(value: JsonValue): bool {
    if (this.kind != JsonKind.Array) return false;
    this.items.push(value);
    return true;
  }

  /** Compact JSON text of this value. */
  stringify(): string {
    const parts = new Array<string>();
    writeValue(this, parts);
    return parts.join("");
  }
}

const HEX = "0123456789abcdef";

/** JSON string literal for `s`, quotes included. */
export function quoteJson(s: string): string {
  let out = "\"";
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | null = null;
    if (c == 34) esc = "\\\"";
    else if (c == 92) esc = "\\\\";
    else if (c == 10) esc = "\\n";
    else if (c == 13) esc = "\\r";
    else if (c == 9) esc = "\\t";
    else if (c < 0x20) esc = "\\u00" + HEX.charAt(c >> 4) + HEX.charAt(c & 15);
    if (esc !== null) {
      out += s.substring(start, i) + esc;
      start = i + 1;
    }
  }
  return out + s.substring(start) + "\"";
}

function writeValue(v: JsonValue, out: Array<string>): void {
  switch (v.kind) {
    case JsonKind.Null: out.push("null"); break;
    case JsonKind.Bool: out.push(v.bool ? "true" : "false"); break;
    case JsonKind.Number: out.push(v.str); break;
    case JsonKind.String: out.push(quoteJson(v.str)); break;
    case JsonKind.Array: {
      out.push("[");
      for (let i = 0; i < v.items.length; i++) {
        if (i > 0) out.push(",");
        writeValue(unchecked(v.items[i]), out);
      }
      out.push("]");
      break;
    }
    default: {
      out.push("{");
      for (let i = 0; i < v.items.length; i++) {
        if (i > 0) out.push(",");
        out.push(quoteJson(unchecked(v.keys[i])));
        out.push(":");
        writeValue(unchecked(v.items[i]), out);
      }
      out.push("}");
    }
  }
}
