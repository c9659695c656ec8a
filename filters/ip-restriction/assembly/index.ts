/**
 * ip-restriction: allows or denies requests by the client address (IPv4 and IPv6 CIDR lists).
 * A deny match always rejects; a non-empty allow list rejects everything it does not match.
 * Rejected requests get 403 (configurable). See README.md for the configuration.
 */
import {
  Counter, FilterHeadersStatus, FilterStatus, HttpContext, RootContext, TcpContext, WasmResult, clientIp, log,
  parseJson, registerRoot,
} from "sdk/assembly";
import { Cidr, hostPart, parseCidr, parseIp } from "./cidr";
// Header callbacks only (the host then skips body and trailer delivery for this filter), plus the
// TCP callbacks for the network-filter root.
export * from "sdk/assembly/exports/core";
export * from "sdk/assembly/exports/http-headers";
export * from "sdk/assembly/exports/tcp";

function parseList(list: Array<string>, out: Array<Cidr>, what: string): bool {
  for (let i = 0; i < list.length; i++) {
    const c = parseCidr(list[i].trim());
    if (c === null) {
      log.error("ip-restriction: " + what + "[" + i.toString() + "] is not a CIDR: " + list[i]);
      return false;
    }
    out.push(c);
  }
  return true;
}

function matchesAny(list: Array<Cidr>, ip: Uint8Array): bool {
  for (let i = 0; i < list.length; i++) if (unchecked(list[i]).contains(ip)) return true;
  return false;
}

class IpRoot extends RootContext {
  allow: Array<Cidr> = new Array<Cidr>();
  deny: Array<Cidr> = new Array<Cidr>();
  status: u32 = 403;
  message: string = "forbidden\n";
  denied: Counter | null = null;

  onConfigure(size: u32): bool {
    const cfg = parseJson(this.configurationText());
    if (cfg === null || !cfg.isObject) {
      log.error("ip-restriction: configuration must be a JSON object");
      return false;
    }
    const allow = new Array<Cidr>();
    const deny = new Array<Cidr>();
    if (!parseList(cfg.getStringList("allow"), allow, "allow") || !parseList(cfg.getStringList("deny"), deny, "deny")) return false;
    this.allow = allow;
    this.deny = deny;
    const status = cfg.getNumber("status", 403);
    if (status < 200 || status > 599 || status != Math.floor(status)) {
      log.error("ip-restriction: status must be an HTTP status (200-599)");
      return false;
    }
    this.status = <u32>status;
    this.message = cfg.getString("message", "forbidden\n");
    this.denied = new Counter("denied");
    return true;
  }

  /** Whether a client at `address` may pass. Unparseable addresses pass only with no allow list. */
  permits(address: string | null): bool {
    let ip: Uint8Array | null = null;
    if (address !== null) ip = parseIp(hostPart(address));
    if (ip === null) return this.allow.length == 0 && this.deny.length == 0;
    if (matchesAny(this.deny, ip)) return false;
    return this.allow.length == 0 || matchesAny(this.allow, ip);
  }

  newHttpContext(id: u32): HttpContext | null {
    return new IpRestriction(id, this);
  }
}

class IpRestriction extends HttpContext {
  onRequestHeaders(count: u32, endOfStream: bool): FilterHeadersStatus {
    const root = this.root as IpRoot;
    if (root.permits(clientIp())) return FilterHeadersStatus.Continue;
    root.denied!.increment();
    // Denied must never mean forwarded, nor a request left hanging: close if no reply.
    if (this.sendLocalResponse(root.status, root.message, null, "ip_restricted") != WasmResult.Ok) this.close();
    return FilterHeadersStatus.StopIteration;
  }
}

/** The same rules as a network (L4) filter: a denied client's connection is closed at once. */
class IpNetworkRoot extends IpRoot {
  newHttpContext(id: u32): HttpContext | null {
    return null;
  }

  newTcpContext(id: u32): TcpContext | null {
    return new IpRestrictionConnection(id, this);
  }
}

class IpRestrictionConnection extends TcpContext {
  onNewConnection(): FilterStatus {
    const root = this.root as IpNetworkRoot;
    if (root.permits(clientIp())) return FilterStatus.Continue;
    root.denied!.increment();
    this.closeDownstream();
    return FilterStatus.StopIteration;
  }
}

registerRoot("ip-restriction", (id: u32): RootContext => new IpRoot(id));
registerRoot("ip-restriction-network", (id: u32): RootContext => new IpNetworkRoot(id));
// Without a root_id the filter is the HTTP one, as before the network root existed.
registerRoot("", (id: u32): RootContext => new IpRoot(id));
