/**
 * The demo's embedded config (YAML, the same format as a config file), showing routing by
 * prefix, prefix_rewrite, a redirect, a direct response and header additions. Written as text
 * so it goes through exactly the loader and validation a user's file does.
 */

export interface DemoPorts {
  /** Gateway listener port (8080 unless overridden; 0 = any free port). */
  listener: number;
  /** Admin port (9901 unless overridden; 0 = any free port). */
  admin: number;
  /** The demo upstream's port. */
  upstream: number;
}

/** The demo config for the given ports. */
export function demoConfigText(ports: DemoPorts): string {
  return `# Sluice demo: plain \`sluice run\` / \`npm start\` serves this.
admin:
  address: 127.0.0.1:${ports.admin}
access_log:
  path: stdout
listeners:
  - name: demo
    address: 127.0.0.1:${ports.listener}
    route_config: demo
route_configs:
  - name: demo
    virtual_hosts:
      - name: demo
        domains: ["*"]
        # Every proxied request gets this header; the echo services show it.
        request_headers_to_add:
          - { name: x-sluice-demo, value: "true" }
        response_headers_to_add:
          - { name: x-served-by, value: sluice }
        routes:
          - name: healthz
            match: { path: /healthz }
            direct_response:
              status: 200
              body: "ok\\n"
              headers:
                - { name: content-type, value: text/plain }
          - name: old-users
            match: { prefix: /old }
            redirect: { path_redirect: /api/users, response_code: 301 }
          - name: users
            match: { prefix: /api/users }
            route: { cluster: users, prefix_rewrite: /users }
            request_headers_to_add:
              - { name: x-route, value: users }
          - name: orders
            match: { prefix: /api/orders }
            route: { cluster: orders, prefix_rewrite: /orders }
            request_headers_to_add:
              - { name: x-route, value: orders }
clusters:
  - name: users
    endpoints:
      - address: 127.0.0.1:${ports.upstream}
  - name: orders
    endpoints:
      - address: 127.0.0.1:${ports.upstream}
`;
}
