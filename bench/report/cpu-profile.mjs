// Reads a V8 .cpuprofile (node --cpu-prof) and summarises where busy time went: by layer
// (syscalls and other native work, GC, Node's own JS, undici, Sluice's host code, wasm guests)
// and by function (self time). Idle time is left out of every percentage.
import { readFileSync } from 'node:fs';

/** The layer a call frame belongs to. */
function layerOf(cf) {
  const url = cf.url;
  if (cf.functionName === '(garbage collector)') return 'GC';
  if (cf.functionName === '(program)') return 'V8 (program)';
  if (url === '') return cf.functionName.startsWith('wasm') ? 'wasm' : 'native (syscalls, encoding, crypto)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  if (url.startsWith('wasm://')) return 'wasm (undici llhttp, filters)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  const h = /\/dist\/host\/([^/]+)/.exec(url);
  if (h) return `sluice host/${h[1]}`;
  return 'other';
}

function shortUrl(url) {
  return url.replace(/^.*\/node_modules\//, '').replace(/^.*\/dist\//, '').replace(/^file:\/\//, '');
}

/**
 * @returns {{busyMs: number, idleMs: number, layers: [string, number][], functions: [string, number][]}}
 *   shares are fractions of busy time, largest first.
 */
export function summariseCpuProfile(file) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(p.nodes.map((n) => [n.id, n]));
  const timeById = new Map();
  for (let i = 0; i < p.samples.length; i++) {
    timeById.set(p.samples[i], (timeById.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
  }
  let busy = 0;
  let idle = 0;
  const layers = new Map();
  const fns = new Map();
  for (const [id, t] of timeById) {
    const cf = nodes.get(id).callFrame;
    if (cf.functionName === '(idle)') {
      idle += t;
      continue;
    }
    busy += t;
    const layer = layerOf(cf);
    layers.set(layer, (layers.get(layer) ?? 0) + t);
    const key = cf.url === '' ? cf.functionName : `${cf.functionName || '(anonymous)'} ${shortUrl(cf.url)}:${cf.lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + t);
  }
  const share = (m) => [...m].map(([k, v]) => [k, v / busy]).sort((a, b) => b[1] - a[1]);
  return { busyMs: busy / 1000, idleMs: idle / 1000, layers: share(layers), functions: share(fns) };
}

/** Markdown tables of a summary (top `n` functions). */
export function cpuProfileMarkdown(summary, n = 25) {
  const pct = (x) => `${(x * 100).toFixed(1)} %`;
  const lines = [
    `Busy ${(summary.busyMs / 1000).toFixed(1)} s, idle ${(summary.idleMs / 1000).toFixed(1)} s.`,
    '',
    '| layer | share of busy CPU |',
    '|---|---:|',
    ...summary.layers.filter(([, s]) => s >= 0.002).map(([k, s]) => `| ${k} | ${pct(s)} |`),
    '',
    `| function (self time, top ${n}) | share |`,
    '|---|---:|',
    ...summary.functions.slice(0, n).map(([k, s]) => `| \`${k.replace(/\|/g, '\\|')}\` | ${pct(s)} |`),
  ];
  return lines.join('\n');
}
