/**
 * What the demo prints once it listens: the curl lines to try and what each one shows.
 */

/** The banner text for a gateway on `gatewayPort` with admin on `adminPort` (both on 127.0.0.1). */
export function demoBanner(gatewayPort: number, adminPort: number): string {
  const gw = `http://127.0.0.1:${gatewayPort}`;
  const admin = `http://127.0.0.1:${adminPort}`;
  const lines: [string, string][] = [
    [`curl -s ${gw}/api/users/42`, 'routed to the users service; its echo shows path /users/42 (prefix_rewrite) and the added x-sluice-demo / x-route headers'],
    [`curl -s '${gw}/api/orders?limit=2'`, 'routed to the orders service as /orders?limit=2'],
    [`curl -si ${gw}/old`, '301 redirect to /api/users'],
    [`curl -si ${gw}/healthz`, 'a direct response from the gateway itself ("ok"), with x-served-by: sluice'],
    [`curl -si ${gw}/nowhere`, '404: no route matches'],
    [`curl -s ${admin}/stats/prometheus | grep sluice_downstream`, 'request counters and latency histograms'],
    [`curl -s ${admin}/config_dump`, 'the config being served (this demo\'s is embedded in host/demo/config.ts)'],
    [`curl -s ${admin}/`, 'every admin endpoint'],
  ];
  const out = ['', 'Sluice demo is running. Try:', ''];
  for (const [cmd, what] of lines) out.push(`  ${cmd}`, `      ${what}`);
  out.push('', 'Each request prints an access log line (JSON) below. Ctrl-C stops.', '');
  return out.join('\n');
}
