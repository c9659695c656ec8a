/**
 * Header value templates: literal text with `%REQ(name)%`, `%RESP(name)%`,
 * `%DOWNSTREAM_REMOTE_ADDRESS%`, `%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%`,
 * `%DOWNSTREAM_LOCAL_ADDRESS%`, `%PROTOCOL%`, `%REQUEST_ID%` and `%%` for a literal percent.
 * Parsed once at configure time into parts; rendering per request only reads what it needs.
 */
import { clientIp, getPropertyString, requestHeaders, responseHeaders } from "sdk/assembly";

/** What one template part stands for. */
export enum PartKind {
  Literal = 0,
  RequestHeader = 1,
  ResponseHeader = 2,
  Property = 3,
  PropertyWithoutPort = 4,
}

/** One piece of a template. */
export class Part {
  constructor(public kind: PartKind, public text: string) {}
}

/** A parsed template. */
export class Template {
  parts: Array<Part> = new Array<Part>();
  /** Names of request headers it reads (captured early for response-side templates). */
  requestHeaderNames: Array<string> = new Array<string>();

  /** True when the template has no placeholders. */
  get isLiteral(): bool {
    return this.parts.length == 0 || (this.parts.length == 1 && this.parts[0].kind == PartKind.Literal);
  }
}

function variable(name: string, t: Template): bool {
  if (name.startsWith("REQ(") && name.endsWith(")")) {
    const h = name.substring(4, name.length - 1).toLowerCase();
    if (h.length == 0) return false;
    t.parts.push(new Part(PartKind.RequestHeader, h));
    t.requestHeaderNames.push(h);
    return true;
  }
  if (name.startsWith("RESP(") && name.endsWith(")")) {
    const h = name.substring(5, name.length - 1).toLowerCase();
    if (h.length == 0) return false;
    t.parts.push(new Part(PartKind.ResponseHeader, h));
    return true;
  }
  if (name == "DOWNSTREAM_REMOTE_ADDRESS") t.parts.push(new Part(PartKind.Property, "source.address"));
  else if (name == "DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT") t.parts.push(new Part(PartKind.PropertyWithoutPort, "source.address"));
  else if (name == "DOWNSTREAM_LOCAL_ADDRESS") t.parts.push(new Part(PartKind.Property, "destination.address"));
  else if (name == "PROTOCOL") t.parts.push(new Part(PartKind.Property, "request.protocol"));
  else if (name == "REQUEST_ID") t.parts.push(new Part(PartKind.Property, "request.id"));
  else return false;
  return true;
}

/** Parses `source`; null when a `%` is unterminated or names an unknown variable. */
export function parseTemplate(source: string): Template | null {
  const t = new Template();
  let literal = "";
  let i = 0;
  while (i < source.length) {
    const c = source.charCodeAt(i);
    if (c != 37) {
      literal += source.charAt(i);
      i++;
      continue;
    }
    const end = source.indexOf("%", i + 1);
    if (end < 0) return null;
    if (end == i + 1) {
      literal += "%";
      i += 2;
      continue;
    }
    if (literal.length > 0) {
      t.parts.push(new Part(PartKind.Literal, literal));
      literal = "";
    }
    if (!variable(source.substring(i + 1, end), t)) return null;
    i = end + 1;
  }
  if (literal.length > 0 || t.parts.length == 0) t.parts.push(new Part(PartKind.Literal, literal));
  return t;
}

/**
 * Renders `t`. `captured` holds request header values saved at request time (request headers
 * are not readable while the response is processed); null means read them live.
 */
export function render(t: Template, captured: Map<string, string> | null): string {
  if (t.parts.length == 1 && t.parts[0].kind == PartKind.Literal) return t.parts[0].text;
  let out = "";
  for (let i = 0; i < t.parts.length; i++) {
    const p = unchecked(t.parts[i]);
    switch (p.kind) {
      case PartKind.Literal: out += p.text; break;
      case PartKind.RequestHeader: {
        if (captured !== null) {
          if (captured.has(p.text)) out += captured.get(p.text);
        } else {
          const v = requestHeaders.get(p.text);
          if (v !== null) out += v;
        }
        break;
      }
      case PartKind.ResponseHeader: {
        const v = responseHeaders.get(p.text);
        if (v !== null) out += v;
        break;
      }
      case PartKind.Property: {
        const v = getPropertyString(p.text);
        if (v !== null) out += v;
        break;
      }
      default: {
        const v = clientIp();
        if (v !== null) out += v;
      }
    }
  }
  return out;
}
