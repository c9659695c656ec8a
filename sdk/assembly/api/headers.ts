/**
 * Header / trailer maps of the current stream (or of an http_call response), by map type.
 * Every call goes to the host; nothing is cached, so reads always see earlier writes, including
 * those of other filters. Names are case-insensitive (the host lower-cases them).
 */
import {
  proxy_add_header_map_value, proxy_get_header_map_pairs, proxy_get_header_map_size, proxy_get_header_map_value,
  proxy_remove_header_map_value, proxy_replace_header_map_value, proxy_set_header_map_pairs,
} from "../abi/imports";
import { MapType, WasmResult } from "../abi/enums";
import { OUT_PTR, OUT_SCALAR, OUT_SIZE, dropBytes, fromUtf8, resetOut, scalarU32, takeBytes, utf8 } from "../abi/memory";
import { Header, deserializePairs, serializePairs } from "../abi/pairs";

/**
 * One header map of the host, named by its `MapType`. Available only in the callbacks the
 * ABI allows (request headers in `onRequestHeaders`, and so on); elsewhere reads give
 * null / empty and writes return `BadArgument`.
 */
export class HeaderMap {
  /** Wraps the host map `type`. */
  constructor(public readonly type: MapType) {}

  /** First value of `name`, or null when absent or the map is unavailable. */
  get(name: string): string | null {
    const key = utf8(name);
    resetOut();
    const status = proxy_get_header_map_value(<u32>this.type, changetype<usize>(key), key.byteLength, OUT_PTR, OUT_SIZE);
    if (status != WasmResult.Ok) {
      dropBytes();
      return null;
    }
    return fromUtf8(takeBytes());
  }

  /** Whether `name` is present. */
  has(name: string): bool {
    return this.get(name) !== null;
  }

  /** Every value of `name`, in order (duplicates are separate entries). */
  getAll(name: string): Array<string> {
    const key = name.toLowerCase();
    const all = this.all();
    const out = new Array<string>();
    for (let i = 0; i < all.length; i++) {
      const h = unchecked(all[i]);
      if (h.name == key) out.push(h.value);
    }
    return out;
  }

  /** Every entry in order, pseudo-headers (`:method`, `:path`, `:status`, …) first. */
  all(): Array<Header> {
    resetOut();
    const status = proxy_get_header_map_pairs(<u32>this.type, OUT_PTR, OUT_SIZE);
    if (status != WasmResult.Ok) {
      dropBytes();
      return new Array<Header>();
    }
    return deserializePairs(takeBytes());
  }

  /**
   * The map's size as the host reports it (`proxy_get_header_map_size`): Envoy and Sluice give
   * the summed bytes of names and values, the spec the serialized size; -1 when the map is
   * unavailable in this callback. Use `all().length` for the number of entries.
   */
  size(): i64 {
    resetOut();
    if (proxy_get_header_map_size(<u32>this.type, OUT_SCALAR) != WasmResult.Ok) return -1;
    return <i64>scalarU32();
  }

  /** Replaces every value of `name` with one `value` (adds it when absent). */
  set(name: string, value: string): WasmResult {
    const k = utf8(name);
    const v = utf8(value);
    return <WasmResult>proxy_replace_header_map_value(<u32>this.type, changetype<usize>(k), k.byteLength, changetype<usize>(v), v.byteLength);
  }

  /** Appends an entry, keeping existing values of `name`. */
  add(name: string, value: string): WasmResult {
    const k = utf8(name);
    const v = utf8(value);
    return <WasmResult>proxy_add_header_map_value(<u32>this.type, changetype<usize>(k), k.byteLength, changetype<usize>(v), v.byteLength);
  }

  /** Removes every value of `name`; Ok when it was absent too. */
  remove(name: string): WasmResult {
    const k = utf8(name);
    return <WasmResult>proxy_remove_header_map_value(<u32>this.type, changetype<usize>(k), k.byteLength);
  }

  /** Replaces the whole map with `headers`. */
  replaceAll(headers: Array<Header>): WasmResult {
    const buf = serializePairs(headers);
    return <WasmResult>proxy_set_header_map_pairs(<u32>this.type, changetype<usize>(buf), buf.byteLength);
  }
}

/** The request headers of the current HTTP stream. */
export const requestHeaders = new HeaderMap(MapType.HttpRequestHeaders);
/** The request trailers of the current HTTP stream. */
export const requestTrailers = new HeaderMap(MapType.HttpRequestTrailers);
/** The response headers of the current HTTP stream (`:status` included). */
export const responseHeaders = new HeaderMap(MapType.HttpResponseHeaders);
/** The response trailers of the current HTTP stream. */
export const responseTrailers = new HeaderMap(MapType.HttpResponseTrailers);
/** Headers of the http_call response being delivered (only inside its callback). */
export const httpCallResponseHeaders = new HeaderMap(MapType.HttpCallResponseHeaders);
/** Trailers of the http_call response being delivered (only inside its callback). */
export const httpCallResponseTrailers = new HeaderMap(MapType.HttpCallResponseTrailers);
/** Initial metadata of the gRPC call being delivered (only inside its callback). */
export const grpcInitialMetadata = new HeaderMap(MapType.GrpcReceiveInitialMetadata);
/** Trailing metadata of the gRPC call being delivered (only inside its callback). */
export const grpcTrailingMetadata = new HeaderMap(MapType.GrpcReceiveTrailingMetadata);
