/**
 * A small strict JSON reader (RFC 8259) for configuration and bodies. Returns null on any
 * syntax error instead of throwing; nesting deeper than 64 levels is an error too.
 */
import { JsonKind, JsonValue } from "./value";

const MAX_DEPTH = 64;

class Reader {
  pos: i32 = 0;
  failed: bool = false;
  constructor(public s: string) {}

  skipSpace(): void {
    const s = this.s;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c == 32 || c == 9 || c == 10 || c == 13) this.pos++;
      else break;
    }
  }

  fail(): JsonValue {
    this.failed = true;
    return JsonValue.null();
  }

  literal(word: string): bool {
    if (this.s.substr(this.pos, word.length) != word) return false;
    this.pos += word.length;
    return true;
  }

  value(depth: i32): JsonValue {
    if (depth > MAX_DEPTH) return this.fail();
    this.skipSpace();
    if (this.pos >= this.s.length) return this.fail();
    const c = this.s.charCodeAt(this.pos);
    if (c == 123) return this.object(depth);
    if (c == 91) return this.array(depth);
    if (c == 34) {
      const str = this.string();
      return this.failed ? this.fail() : JsonValue.fromString(str);
    }
    if (c == 116) return this.literal("true") ? JsonValue.fromBool(true) : this.fail();
    if (c == 102) return this.literal("false") ? JsonValue.fromBool(false) : this.fail();
    if (c == 110) return this.literal("null") ? JsonValue.null() : this.fail();
    return this.number();
  }

  object(depth: i32): JsonValue {
    const v = JsonValue.object();
    this.pos++;
    this.skipSpace();
    if (this.pos < this.s.length && this.s.charCodeAt(this.pos) == 125) { this.pos++; return v; }
    while (true) {
      this.skipSpace();
      if (this.pos >= this.s.length || this.s.charCodeAt(this.pos) != 34) return this.fail();
      const key = this.string();
      if (this.failed) return v;
      this.skipSpace();
      if (this.pos >= this.s.length || this.s.charCodeAt(this.pos) != 58) return this.fail();
      this.pos++;
      const member = this.value(depth + 1);
      if (this.failed) return v;
      v.keys.push(key);
      v.items.push(member);
      this.skipSpace();
      if (this.pos >= this.s.length) return this.fail();
      const c = this.s.charCodeAt(this.pos++);
      if (c == 125) return v;
      if (c != 44) return this.fail();
    }
  }

  array(depth: i32): JsonValue {
    const v = JsonValue.array();
    this.pos++;
    this.skipSpace();
    if (this.pos < this.s.length && this.s.charCodeAt(this.pos) == 93) { this.pos++; return v; }
    while (true) {
      const e = this.value(depth + 1);
      if (this.failed) return v;
      v.items.push(e);
      this.skipSpace();
      if (this.pos >= this.s.length) return this.fail();
      const c = this.s.charCodeAt(this.pos++);
      if (c == 93) return v;
      if (c != 44) return this.fail();
    }
  }

  hex4(): i32 {
    if (this.pos + 4 > this.s.length) { this.failed = true; return 0; }
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const c = this.s.charCodeAt(this.pos++);
      let d = -1;
      if (c >= 48 && c <= 57) d = c - 48;
      else if (c >= 97 && c <= 102) d = c - 87;
      else if (c >= 65 && c <= 70) d = c - 55;
      if (d < 0) { this.failed = true; return 0; }
      v = (v << 4) | d;
    }
    return v;
  }

  string(): string {
    const s = this.s;
    this.pos++; // opening quote
    let out = "";
    let start = this.pos;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c == 34) {
        out += s.substring(start, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) break;
      if (c != 92) { this.pos++; continue; }
      out += s.substring(start, this.pos);
      this.pos++;
      if (this.pos >= s.length) break;
      const e = s.charCodeAt(this.pos++);
      if (e == 34) out += "\"";
      else if (e == 92) out += "\\";
      else if (e == 47) out += "/";
      else if (e == 98) out += "\b";
      else if (e == 102) out += "\f";
      else if (e == 110) out += "\n";
      else if (e == 114) out += "\r";
      else if (e == 116) out += "\t";
      else if (e == 117) {
        const code = this.hex4();
        if (this.failed) return "";
        out += String.fromCharCode(code); // surrogate halves combine in UTF-16 as they come
      } else break;
      start = this.pos;
    }
    this.failed = true;
    return "";
  }

  // Consumes 1+ ASCII digits; false when there is none.
  digits(): bool {
    const s = this.s;
    const start = this.pos;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c < 48 || c > 57) break;
      this.pos++;
    }
    return this.pos > start;
  }

  // RFC 8259 §6: [ "-" ] ( "0" / [1-9] *DIGIT ) [ "." 1*DIGIT ] [ ("e"/"E") [ "+"/"-" ] 1*DIGIT ].
  // Anything else ("01", "1.", ".5", "1.2.3", "+1", "1e") is refused, not guessed at.
  number(): JsonValue {
    const s = this.s;
    const start = this.pos;
    if (this.pos < s.length && s.charCodeAt(this.pos) == 45) this.pos++;
    if (this.pos >= s.length) return this.fail();
    const first = s.charCodeAt(this.pos);
    if (first == 48) this.pos++;
    else if (first < 49 || first > 57 || !this.digits()) return this.fail();
    if (this.pos < s.length && s.charCodeAt(this.pos) == 46) {
      this.pos++;
      if (!this.digits()) return this.fail();
    }
    if (this.pos < s.length && (s.charCodeAt(this.pos) | 32) == 101) {
      this.pos++;
      if (this.pos < s.length && (s.charCodeAt(this.pos) == 43 || s.charCodeAt(this.pos) == 45)) this.pos++;
      if (!this.digits()) return this.fail();
    }
    const text = s.substring(start, this.pos);
    const v = new JsonValue();
    v.kind = JsonKind.Number;
    v.num = parseFloat(text);
    v.str = text;
    return v;
  }
}

/** Parses JSON text; null when it is not exactly one valid JSON value. */
export function parseJson(text: string): JsonValue | null {
  const r = new Reader(text);
  const v = r.value(0);
  if (r.failed) return null;
  r.skipSpace();
  if (r.pos != text.length) return null;
  return v;
}
