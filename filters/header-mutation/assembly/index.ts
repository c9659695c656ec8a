/**
 * header-mutation: removes, sets and adds request and response headers, with values from
 * templates (`%REQ(x-user)%`, `%DOWNSTREAM_REMOTE_ADDRESS%`, …; see template.ts and README.md).
 * Per direction the order is: remove, then set, then add.
 */
import {
  FilterHeadersStatus, HeaderMap, HttpContext, JsonValue, RootContext, log, parseJson, registerRoot,
} from "sdk/assembly";
import { Template, parseTemplate, render } from "./template";
// Header callbacks only: the host then skips body and trailer delivery for this filter.
export * from "sdk/assembly/exports/core";
export * from "sdk/assembly/exports/http-headers";

class Mutation {
  constructor(public name: string, public value: Template) {}
}

class Mutations {
  removes: Array<string> = new Array<string>();
  sets: Array<Mutation> = new Array<Mutation>();
  adds: Array<Mutation> = new Array<Mutation>();

  get empty(): bool {
    return this.removes.length == 0 && this.sets.length == 0 && this.adds.length == 0;
  }
}

/** Parses `[{name, value}]` into `out`; false on a bad entry. */
function parseList(list: JsonValue | null, out: Array<Mutation>, where: string): bool {
  if (list === null) return true;
  for (let i = 0; i < list.length; i++) {
    const e = list.at(i)!;
    const name = e.getString("name").toLowerCase();
    if (name.length == 0) {
      log.error("header-mutation: " + where + "[" + i.toString() + "] needs a name");
      return false;
    }
    const t = parseTemplate(e.getString("value"));
    if (t === null) {
      log.error("header-mutation: " + where + "[" + i.toString() + "].value is not a valid template");
      return false;
    }
    out.push(new Mutation(name, t));
  }
  return true;
}

function parseSection(cfg: JsonValue, key: string, out: Mutations): bool {
  const section = cfg.getObject(key);
  if (section === null) return true;
  const remove = section.getStringList("remove");
  for (let i = 0; i < remove.length; i++) out.removes.push(remove[i].toLowerCase());
  return parseList(section.getArray("set"), out.sets, key + ".set") && parseList(section.getArray("add"), out.adds, key + ".add");
}

/**
 * Applies `m` to `headers`. Every value is rendered first, from the headers as they arrived:
 * `remove x-user` then `set x-fwd-user: %REQ(x-user)%` must forward the user, not "".
 */
function apply(m: Mutations, headers: HeaderMap, captured: Map<string, string> | null): void {
  const setValues = new Array<string>(m.sets.length);
  for (let i = 0; i < m.sets.length; i++) setValues[i] = render(unchecked(m.sets[i]).value, captured);
  const addValues = new Array<string>(m.adds.length);
  for (let i = 0; i < m.adds.length; i++) addValues[i] = render(unchecked(m.adds[i]).value, captured);
  for (let i = 0; i < m.removes.length; i++) headers.remove(unchecked(m.removes[i]));
  for (let i = 0; i < m.sets.length; i++) headers.set(unchecked(m.sets[i]).name, unchecked(setValues[i]));
  for (let i = 0; i < m.adds.length; i++) headers.add(unchecked(m.adds[i]).name, unchecked(addValues[i]));
}

class MutationRoot extends RootContext {
  request: Mutations = new Mutations();
  response: Mutations = new Mutations();
  /** Request headers the response templates read, captured at request time. */
  captureNames: Array<string> = new Array<string>();

  onConfigure(size: u32): bool {
    const cfg = parseJson(this.configurationText());
    if (cfg === null || !cfg.isObject) {
      log.error("header-mutation: configuration must be a JSON object");
      return false;
    }
    const request = new Mutations();
    const response = new Mutations();
    if (!parseSection(cfg, "request", request) || !parseSection(cfg, "response", response)) return false;
    const names = new Array<string>();
    const all = response.sets.concat(response.adds);
    for (let i = 0; i < all.length; i++) {
      const n = all[i].value.requestHeaderNames;
      for (let j = 0; j < n.length; j++) if (!names.includes(n[j])) names.push(n[j]);
    }
    this.request = request;
    this.response = response;
    this.captureNames = names;
    return true;
  }

  newHttpContext(id: u32): HttpContext | null {
    return new MutationFilter(id, this);
  }
}

class MutationFilter extends HttpContext {
  captured: Map<string, string> = new Map<string, string>();

  onRequestHeaders(count: u32, endOfStream: bool): FilterHeadersStatus {
    const root = this.root as MutationRoot;
    const names = root.captureNames;
    for (let i = 0; i < names.length; i++) {
      const v = this.requestHeaders.get(names[i]);
      if (v !== null) this.captured.set(names[i], v);
    }
    if (!root.request.empty) apply(root.request, this.requestHeaders, null);
    return FilterHeadersStatus.Continue;
  }

  onResponseHeaders(count: u32, endOfStream: bool): FilterHeadersStatus {
    const root = this.root as MutationRoot;
    if (!root.response.empty) apply(root.response, this.responseHeaders, this.captured);
    return FilterHeadersStatus.Continue;
  }
}

registerRoot("header-mutation", (id: u32): RootContext => new MutationRoot(id));
