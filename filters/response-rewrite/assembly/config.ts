/**
 * The response-rewrite configuration (JSON), parsed once in onConfigure. Every problem is
 * logged with its key and rejects the configuration. README.md documents each key.
 */
import { JsonValue, log } from "sdk/assembly";
import { parsePath } from "./path";
import { Action, Rule } from "./rules";

/** Parsed configuration, immutable after onConfigure. */
export class RewriteConfig {
  rules: Array<Rule> = new Array<Rule>();
  /** Media types (lower case, no parameters) whose bodies are rewritten. */
  contentTypes: Array<string> = ["application/json"];
  /** Bodies declared (content-length) or grown larger than this pass unchanged; 0: no own limit. */
  maxBodyBytes: u32 = 0;
  /**
   * A body that cannot be rewritten (not JSON, nested past the parser's limit) is refused
   * rather than passed. Defaults to true when a rule redacts or removes: those rules exist
   * to keep data from the client, and passing the body would leak exactly that data.
   */
  rejectUnparsable: bool = true;
}

function bad(why: string): RewriteConfig | null {
  log.error("response-rewrite: " + why);
  return null;
}

function actionOf(name: string): i32 {
  if (name == "redact") return Action.Redact;
  if (name == "remove") return Action.Remove;
  if (name == "set") return Action.Set;
  return -1;
}

/** Parses the configuration; null (after logging why) when it is invalid. */
export function parseConfig(cfg: JsonValue | null): RewriteConfig | null {
  if (cfg === null || !cfg.isObject) return bad("configuration must be a JSON object");
  const c = new RewriteConfig();
  const redactValue = cfg.has("redact_value") ? cfg.get("redact_value")! : JsonValue.fromString("***");
  const rules = cfg.getArray("rules");
  if (rules === null || rules.length == 0) return bad("rules must be a non-empty list");
  for (let i = 0; i < rules.length; i++) {
    const r = rules.at(i)!;
    const where = "rules[" + i.toString() + "]";
    if (!r.isObject) return bad(where + " must be an object");
    const steps = parsePath(r.getString("path"));
    if (steps === null) return bad(where + ".path is missing or malformed: " + r.getString("path"));
    const action = actionOf(r.getString("action"));
    if (action < 0) return bad(where + ".action must be redact, remove or set");
    let value = redactValue;
    if (action == Action.Set) {
      const v = r.get("value");
      if (v === null) return bad(where + ": set needs a value");
      value = v;
    } else if (action == Action.Redact && r.has("value")) {
      value = r.get("value")!;
    }
    c.rules.push(new Rule(steps, <Action>action, value));
  }
  if (cfg.has("content_types")) {
    const types = cfg.getArray("content_types");
    if (types === null || types.length == 0) return bad("content_types must be a non-empty list of media types");
    const list = new Array<string>();
    for (let i = 0; i < types.length; i++) {
      const t = types.at(i)!;
      if (!t.isString || t.str.length == 0) return bad("content_types[" + i.toString() + "] must be a media type");
      list.push(t.str.toLowerCase());
    }
    c.contentTypes = list;
  }
  let hides = false;
  for (let i = 0; i < c.rules.length; i++) if (c.rules[i].action != Action.Set) hides = true;
  c.rejectUnparsable = hides;
  if (cfg.has("on_parse_error")) {
    const mode = cfg.getString("on_parse_error");
    if (mode == "reject") c.rejectUnparsable = true;
    else if (mode == "pass") c.rejectUnparsable = false;
    else return bad("on_parse_error must be pass or reject");
  }
  const max = cfg.get("max_body_bytes");
  if (max !== null) {
    if (!max.isNumber || max.num < 0 || max.num > 4294967295) return bad("max_body_bytes must be a byte count");
    c.maxBodyBytes = <u32>max.num;
  }
  return c;
}

/** Whether `contentType` (a header value, parameters allowed) is one of `types`. */
export function matchesContentType(contentType: string | null, types: Array<string>): bool {
  if (contentType === null) return false;
  const semi = contentType.indexOf(";");
  const media = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase();
  return types.includes(media);
}
