// The results as an SVG (no charting dependency): grouped horizontal bars of req/s per target,
// one bar per protocol/body series, p99 printed at the bar's end; Sluice rows are highlighted.
// A second panel shows KB per idle keep-alive connection. Readable on GitHub as an <img>.
import { bodyLabel, fixed, kilo, protocolLabel } from './format.mjs';

const WIDTH = 980;
const LABEL_W = 270;
const VALUE_W = 170;
const BAR_H = 13;
const GAP = 10;
const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#e15759'];

function esc(s) {
  return String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
}

function shorten(text, n) {
  const t = String(text ?? '');
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
}

/** Round axis maximum and tick step for a value range starting at 0. */
function niceScale(max) {
  if (!(max > 0)) return { top: 1, step: 1 };
  const raw = max / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  return { top: Math.ceil(max / step) * step, step };
}

/**
 * One panel: rows of {label, highlight, bars: [{series, value, text}]}. Returns {svg, height}.
 */
function panel({ y0, title, rows, series, unitFmt }) {
  const barW = WIDTH - LABEL_W - VALUE_W - 20;
  const max = Math.max(0, ...rows.flatMap((r) => r.bars.map((b) => b.value ?? 0)));
  const { top, step } = niceScale(max);
  const x = (v) => LABEL_W + (v / top) * barW;
  const parts = [];
  let y = y0;
  parts.push(`<text x="12" y="${y + 16}" class="title">${esc(title)}</text>`);
  y += 28;
  // Legend.
  let lx = LABEL_W;
  for (const [i, s] of series.entries()) {
    parts.push(`<rect x="${lx}" y="${y}" width="12" height="12" fill="${PALETTE[i % PALETTE.length]}"/>`);
    parts.push(`<text x="${lx + 16}" y="${y + 10}" class="small">${esc(s.label)}</text>`);
    lx += 24 + s.label.length * 6.4;
  }
  y += 22;
  const gridTop = y;
  const gridAt = parts.length;
  for (const row of rows) {
    if (row.note) {
      // A target with no numbers at all gets one line saying why.
      const h1 = BAR_H + GAP;
      if (row.highlight) parts.push(`<rect x="4" y="${y - 3}" width="${WIDTH - 8}" height="${h1}" fill="#ffe9a8" fill-opacity="0.55"/>`);
      parts.push(`<text x="${LABEL_W - 8}" y="${y + 10}" text-anchor="end" class="${row.highlight ? 'label bold' : 'label'}">${esc(row.label)}</text>`);
      parts.push(`<text x="${LABEL_W + 4}" y="${y + 10}" class="small muted">${esc(row.note)}</text>`);
      y += h1;
      continue;
    }
    // Only the series this target was measured in (fastify has no HTTP/2 row, say).
    const own = series.map((sr, i) => ({ ...sr, color: PALETTE[i % PALETTE.length] }))
      .filter((sr) => row.bars.some((b) => b.series === sr.key));
    const h = own.length * BAR_H + GAP;
    if (row.highlight) parts.push(`<rect x="4" y="${y - 3}" width="${WIDTH - 8}" height="${h}" fill="#ffe9a8" fill-opacity="0.55"/>`);
    parts.push(`<text x="${LABEL_W - 8}" y="${y + (own.length * BAR_H) / 2 + 4}" text-anchor="end" class="${row.highlight ? 'label bold' : 'label'}">${esc(row.label)}</text>`);
    for (const [i, sr] of own.entries()) {
      const bar = row.bars.find((b) => b.series === sr.key);
      const by = y + i * BAR_H;
      if (bar.value == null) {
        parts.push(`<text x="${LABEL_W + 4}" y="${by + 10}" class="small muted">${esc(bar.text)}</text>`);
        continue;
      }
      const w = Math.max(1, x(bar.value) - LABEL_W);
      parts.push(`<rect x="${LABEL_W}" y="${by}" width="${w.toFixed(1)}" height="${BAR_H - 2}" fill="${sr.color}"/>`);
      parts.push(`<text x="${(LABEL_W + w + 4).toFixed(1)}" y="${by + 10}" class="small">${esc(bar.text)}</text>`);
    }
    y += h;
  }
  // Axis and grid, drawn under the bars.
  const grid = [];
  for (let v = 0; v <= top + 1e-9; v += step) {
    grid.push(`<line x1="${x(v).toFixed(1)}" y1="${gridTop - 4}" x2="${x(v).toFixed(1)}" y2="${y}" class="grid"/>`);
    grid.push(`<text x="${x(v).toFixed(1)}" y="${y + 14}" text-anchor="middle" class="small muted">${esc(unitFmt(v))}</text>`);
  }
  parts.splice(gridAt, 0, ...grid);
  return { svg: parts.join('\n'), height: y + 24 - y0 };
}

/** Builds the whole SVG document from the results object (see report/results.mjs). */
export function renderSvg(results) {
  const ok = results.cases.filter((c) => c.status === 'ok');
  const seriesKeys = [];
  for (const c of results.cases) {
    const key = `${c.protocol}:${c.bodyBytes}`;
    if (!seriesKeys.includes(key)) seriesKeys.push(key);
  }
  const series = seriesKeys
    .filter((k) => ok.some((c) => `${c.protocol}:${c.bodyBytes}` === k))
    .map((key) => {
      const [p, b] = key.split(':');
      return { key, label: `${protocolLabel(p)}, ${bodyLabel(Number(b))}` };
    });
  // Every target appears, so a skipped or failed Sluice scenario is visible at a glance too.
  const targetIds = [...new Set(results.cases.map((c) => c.target))];
  const rows = targetIds.map((id) => {
    const cs = results.cases.filter((c) => c.target === id);
    if (!cs.some((c) => c.status === 'ok')) {
      return { id, label: cs[0].label, highlight: cs[0].sluice, note: `${cs[0].status}: ${shorten(cs[0].reason, 110)}`, bars: [] };
    }
    return {
      id,
      label: cs[0].label,
      highlight: cs[0].sluice,
      bars: cs.map((c) => (c.status === 'ok'
        ? { series: `${c.protocol}:${c.bodyBytes}`, value: c.rps, text: `${kilo(c.rps)} req/s · p99 ${fixed(c.p99Ms)} ms` }
        : { series: `${c.protocol}:${c.bodyBytes}`, value: null, text: `${c.status}: ${shorten(c.reason, 90)}` })),
    };
  });
  const m = results.meta;
  const title = `Requests per second (median of ${m.runs} × ${m.durationS} s; higher is better)`;
  let y = 0;
  const pieces = [];
  pieces.push(`<text x="12" y="22" class="head">Sluice benchmark — ${esc(m.date)}${m.quick ? ' (quick run)' : ''}</text>`);
  pieces.push(`<text x="12" y="40" class="small muted">${esc(`${m.env.cpus} × ${m.env.cpuModel}, Node ${m.env.node}; proxy on cpu ${m.layout.proxyCpus}, load + upstream (${m.upstream}) on cpu ${m.layout.loadCpus}; ${m.layout.h1}`)}</text>`);
  y = 50;
  if (series.length === 0) {
    pieces.push(`<text x="12" y="${y + 30}" class="label">No target produced numbers in this run (see the Markdown report).</text>`);
    y += 50;
  } else {
    const p = panel({ y0: y, title, rows, series, unitFmt: kilo });
    pieces.push(p.svg);
    y += p.height;
  }
  // Requests per CPU-second of the target: what req/s would be on a free core, so still fair
  // when other work took part of the proxy's core during the run.
  // The direct row's CPU is the upstream's, not a proxy's: left out here.
  const cpuRows = rows.filter((r) => !r.note && r.id !== 'direct').map((r) => {
    const cs = results.cases.filter((c) => c.label === r.label && c.status === 'ok' && c.cpuPer10k);
    return {
      label: r.label,
      highlight: r.highlight,
      bars: cs.map((c) => ({ series: `${c.protocol}:${c.bodyBytes}`, value: 10_000 / c.cpuPer10k,
        text: `${kilo(10_000 / c.cpuPer10k)}${c.otherLoad != null ? ` · core ${Math.round(c.otherLoad * 100)} % taken by others` : ''}` })),
    };
  }).filter((r) => r.bars.length);
  if (cpuRows.length) {
    const p = panel({ y0: y + 10, title: "Requests per CPU-second of the proxy's own process tree (higher is better; fair on a busy machine)", rows: cpuRows, series, unitFmt: kilo });
    pieces.push(p.svg);
    y += p.height + 10;
  }
  const idle = results.idle.filter((i) => i.kbPerConn != null);
  if (idle.length) {
    const p = panel({
      y0: y + 10,
      title: `KB of RSS per idle keep-alive connection (${idle[0].count.toLocaleString('en-US')} connections; lower is better)`,
      series: [{ key: 'idle', label: 'HTTP/1.1, after one request each' }],
      rows: idle.map((i) => ({
        label: i.label,
        highlight: results.cases.some((c) => c.target === i.target && c.sluice),
        bars: [{ series: 'idle', value: Math.max(0, i.kbPerConn), text: `${fixed(i.kbPerConn, 1)} KB` }],
      })),
      unitFmt: (v) => `${Math.round(v * 10) / 10}`,
    });
    pieces.push(p.svg);
    y += p.height + 10;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${Math.ceil(y + 10)}" viewBox="0 0 ${WIDTH} ${Math.ceil(y + 10)}" font-family="Helvetica, Arial, sans-serif">
<style>
  .head { font-size: 17px; font-weight: bold; fill: #222; }
  .title { font-size: 14px; font-weight: bold; fill: #222; }
  .label { font-size: 12.5px; fill: #222; }
  .bold { font-weight: bold; }
  .small { font-size: 11px; fill: #333; }
  .muted { fill: #777; }
  .grid { stroke: #ddd; stroke-width: 1; }
</style>
<rect width="100%" height="100%" fill="#ffffff"/>
${pieces.join('\n')}
</svg>
`;
}
