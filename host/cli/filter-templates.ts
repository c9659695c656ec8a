/**
 * The files `sluice filter new NAME` writes. Paths into the sluice checkout are computed at
 * scaffold time (relative to the new project), so the project builds and tests against the
 * sluice it was created from.
 */

/** Paths a scaffold needs, relative to the new project's folder. */
export interface ScaffoldPaths {
  /** The sluice root. */
  root: string;
}

export function indexTs(name: string): string {
  return `/**
 * ${name}: a Sluice proxy-wasm filter. Adds a header to every request (for the upstream) and
 * to every response (for the client), and answers requests for /blocked itself with 403.
 *
 * Configuration (JSON, optional): { "header": "x-${name}", "value": "hello" }
 */
import { FilterHeadersStatus, HttpContext, RootContext, log, parseJson, registerRoot } from "sdk/assembly";
// The callbacks the host calls. To skip body delivery for a headers-only filter, export just
// "sdk/assembly/exports/core" and "sdk/assembly/exports/http-headers" instead.
export * from "sdk/assembly/exports";

/** One per filter configuration: parses it once and creates a context per request. */
class ${className(name)}Root extends RootContext {
  header: string = "x-${name}";
  value: string = "hello";

  onConfigure(configurationSize: u32): bool {
    const text = this.configurationText();
    if (text.length == 0) return true; // no configuration: keep the defaults
    const cfg = parseJson(text);
    if (cfg === null || !cfg.isObject) {
      log.error("${name}: configuration must be a JSON object");
      return false; // the gateway refuses to load the filter
    }
    this.header = cfg.getString("header", this.header).toLowerCase();
    this.value = cfg.getString("value", this.value);
    return true;
  }

  newHttpContext(contextId: u32): HttpContext | null {
    return new ${className(name)}(contextId, this);
  }
}

/** One per request. */
class ${className(name)} extends HttpContext {
  onRequestHeaders(headerCount: u32, endOfStream: bool): FilterHeadersStatus {
    const root = this.root as ${className(name)}Root;
    if (this.requestHeaders.get(":path") == "/blocked") {
      this.sendLocalResponse(403, "blocked by ${name}\\n");
      return FilterHeadersStatus.StopIteration;
    }
    this.requestHeaders.set(root.header, root.value);
    return FilterHeadersStatus.Continue;
  }

  onResponseHeaders(headerCount: u32, endOfStream: bool): FilterHeadersStatus {
    const root = this.root as ${className(name)}Root;
    this.responseHeaders.set(root.header, root.value);
    return FilterHeadersStatus.Continue;
  }
}

registerRoot("${name}", (contextId: u32): RootContext => new ${className(name)}Root(contextId));
`;
}

/** "my-filter" → "MyFilter". */
export function className(name: string): string {
  return name.split('-').filter(Boolean).map((p) => p[0]!.toUpperCase() + p.slice(1)).join('');
}

export function asconfigJson(name: string, p: ScaffoldPaths): string {
  return `${JSON.stringify({ extends: `${p.root}/sdk/asconfig.base.json`, options: { outFile: `build/${name}.wasm` } }, null, 2)}\n`;
}

/** Editor support: AssemblyScript's types, and "sdk/assembly" mapped to the SDK sources. */
export function assemblyTsconfig(p: ScaffoldPaths): string {
  const sdk = `../${p.root}/sdk/assembly`;
  return `${JSON.stringify({
    extends: `../${p.root}/node_modules/assemblyscript/std/assembly.json`,
    compilerOptions: { baseUrl: '.', paths: { 'sdk/assembly': [sdk], 'sdk/assembly/*': [`${sdk}/*`] } },
    include: ['./**/*.ts'],
  }, null, 2)}\n`;
}

export function packageJson(name: string, p: ScaffoldPaths): string {
  // Quoted: the path may contain spaces.
  const cli = `node "${p.root}/bin/sluice.js"`;
  return `${JSON.stringify({
    name, version: '0.1.0', private: true, type: 'module',
    scripts: { build: `${cli} filter build`, test: `${cli} filter test`, start: `${cli} run -c sluice.yaml` },
  }, null, 2)}\n`;
}

export function testMjs(name: string, p: ScaffoldPaths): string {
  return `// Tests for ${name}, run by \`sluice filter test\` (node --test) after a build. The harness loads
// build/${name}.wasm into Sluice's real host in-process: no sockets, same code path as the gateway.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { FilterHarness } from '../${p.root}/dist/sdk/testing/index.js';

const file = fileURLToPath(new URL('../build/${name}.wasm', import.meta.url));

test('adds the configured header upstream and downstream', async (t) => {
  const h = await FilterHarness.load({ file, rootId: '${name}', configuration: { header: 'x-demo', value: 'on' } });
  t.after(() => h.close());
  const r = await h.exchange({ path: '/hello' });
  assert.equal(r.upstream?.header('x-demo'), 'on');
  assert.equal(r.header('x-demo'), 'on');
});

test('answers /blocked itself with 403', async (t) => {
  const h = await FilterHarness.load({ file, rootId: '${name}' });
  t.after(() => h.close());
  const r = await h.exchange({ path: '/blocked' });
  assert.equal(r.status, 403);
  assert.equal(r.upstream, undefined);
});

test('refuses a configuration that is not a JSON object', async () => {
  await assert.rejects(FilterHarness.load({ file, rootId: '${name}', configuration: 'not json' }), /configuration must be a JSON object/);
});
`;
}

export function sluiceYaml(name: string): string {
  return `# Runs ${name} in front of a fixed answer:  sluice filter build && sluice run -c sluice.yaml
# then:  curl -i http://127.0.0.1:8080/  (see x-${name} in the response)  and  curl -i http://127.0.0.1:8080/blocked
# To front a real service, replace direct_response with  route: { cluster: backend }  and add
#   clusters: [{ name: backend, endpoints: [{ address: 127.0.0.1:9001 }] }]
listeners:
  - name: public
    address: 127.0.0.1:8080
    http_filters:
      - name: ${name}
        wasm:
          file: ./build/${name}.wasm
          root_id: ${name}
          # Without a configuration the filter keeps the defaults in assembly/index.ts. To override them:
          # configuration: { header: x-${name}, value: hello }
          failure_policy: fail_closed
    route_config: main
route_configs:
  - name: main
    virtual_hosts:
      - name: all
        domains: ["*"]
        routes:
          - match: { prefix: "/" }
            direct_response: { status: 200, body: "hello from sluice\\n" }
`;
}

export function readme(name: string, p: ScaffoldPaths): string {
  return `# ${name}

A Sluice proxy-wasm filter written in AssemblyScript with the Sluice SDK
(\`${p.root}/sdk/assembly\`, guide: \`${p.root}/sdk/README.md\`).

| Step | Command |
|---|---|
| Build \`build/${name}.wasm\` | \`node ${p.root}/bin/sluice.js filter build\` (or \`npm run build\`) |
| Build and test | \`node ${p.root}/bin/sluice.js filter test\` (or \`npm test\`) |
| Run it in the gateway | \`node ${p.root}/bin/sluice.js run -c sluice.yaml\`, then \`curl -i http://127.0.0.1:8080/\` |

## Configuration

JSON object (in sluice.yaml, a YAML map under \`configuration:\`):

| Key | Default | Meaning |
|---|---|---|
| \`header\` | \`x-${name}\` | header added to requests and responses |
| \`value\` | \`hello\` | its value |

Requests for \`/blocked\` are answered by the filter with 403.

## Files

- \`assembly/index.ts\`: the filter
- \`asconfig.json\`: compiler settings (extends the SDK's base flags; the SDK path is relative to this folder)
- \`test/${name}.test.mjs\`: tests through the in-process harness
- \`sluice.yaml\`: a gateway config that loads the filter
`;
}
