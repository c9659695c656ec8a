#!/usr/bin/env node
// The two upstream services of the API-gateway example. Each answers every request with a JSON
// echo of what it received (method, path, headers, body), so the gateway's work is visible.
//
//   node examples/api-gateway/services.mjs        # catalog on 127.0.0.1:9101, orders on :9102
//   CATALOG_PORT=0 ORDERS_PORT=0 node examples/api-gateway/services.mjs   # any free ports
//
// Tests import startServices() and pass port 0.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

/**
 * Starts one echo service on host:port.
 * @param {string} name service name, echoed as `service`
 * @param {string} host
 * @param {number} port 0 for any free port
 * @returns {Promise<import('node:http').Server>}
 */
function startEcho(name, host, port) {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const echo = JSON.stringify({ service: name, method: req.method, path: req.url, headers: req.headers, body }, null, 2);
      // x-powered-by is there for header-mutation to remove on the way out.
      res.writeHead(200, { 'content-type': 'application/json', 'x-powered-by': `${name}-service` });
      res.end(echo + '\n');
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

/**
 * Starts catalog and orders. Resolves to their bound ports and a close() that stops both.
 * @param {{ host?: string, catalogPort?: number, ordersPort?: number }} [opts]
 * @returns {Promise<{ catalogPort: number, ordersPort: number, close(): Promise<void> }>}
 */
export async function startServices(opts = {}) {
  const host = opts.host ?? '127.0.0.1';
  const catalog = await startEcho('catalog', host, opts.catalogPort ?? 9101);
  let orders;
  try {
    orders = await startEcho('orders', host, opts.ordersPort ?? 9102);
  } catch (err) {
    catalog.close();
    throw err;
  }
  const stop = (s) => new Promise((r) => { s.closeAllConnections(); s.close(() => r()); });
  return {
    catalogPort: catalog.address().port,
    ordersPort: orders.address().port,
    close: () => Promise.all([stop(catalog), stop(orders)]).then(() => undefined),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = (v, fallback) => (v === undefined || v === '' ? fallback : Number(v));
  try {
    const s = await startServices({ catalogPort: port(process.env.CATALOG_PORT, 9101), ordersPort: port(process.env.ORDERS_PORT, 9102) });
    console.log(`catalog on 127.0.0.1:${s.catalogPort}, orders on 127.0.0.1:${s.ordersPort} (Ctrl-C to stop)`);
    const quit = () => s.close().then(() => process.exit(0));
    process.once('SIGINT', quit);
    process.once('SIGTERM', quit);
  } catch (err) {
    console.error(`services: ${err.message}`);
    process.exit(1);
  }
}
