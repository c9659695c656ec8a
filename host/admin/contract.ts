/**
 * What the admin server needs from the running gateway. The gateway implements it; the admin
 * server renders it. Keeps the admin server free of any knowledge of listeners or clusters.
 */
export interface AdminView {
  /** True once every listener is bound and the gateway is not draining. */
  ready(): boolean;
  /** The effective config as JSON-able data, with version info (hash, loaded_at, last error). */
  configDump(): unknown;
  /** Each cluster with its endpoints and their state (ClusterManager.describe of each). */
  clusters(): unknown;
  /** Each wasm filter: name, module sha256, ABI version, VMs, traps, … (empty until filters exist). */
  filters(): unknown;
}

export interface AdminServer {
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

/** One request to an admin endpoint, as a route handler sees it. */
export interface AdminRequest {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  /** Values of `{name}` segments of the route's path pattern. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The request body (bounded; over the limit the server answers 413 itself). */
  body(): Promise<Buffer>;
}

/** What a handler answers; the server writes it. */
export interface AdminResponse {
  status: number;
  contentType: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

/**
 * One admin endpoint. `path` is literal segments and `{name}` placeholders, e.g.
 * "/filters/{name}". A handler that throws or rejects becomes a 500 with the message.
 */
export interface AdminRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  /** One line for the index page (GET /). */
  readonly help: string;
  handler(req: AdminRequest): AdminResponse | Promise<AdminResponse>;
}
