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
