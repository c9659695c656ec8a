// The Markdown report: how the run was set up, one table per protocol and body size, the idle
// connection cost, latency at half the peak rate, the RSS soak, DESIGN.md's targets for Sluice,
// and every skipped or failed case with why.
import { basename } from 'node:path';
import { bodyLabel, fixed, int, protocolLabel } from './format.mjs';
import { halfRateSection, soakSection } from './paced-sections.mjs';
import { checkTargets } from './targets.mjs';

function caseTable(cases, idleByTarget, withIdle) {
  const floor = cases.find((c) => c.target === 'node-floor' && c.status === 'ok');
  const head = ['target', 'req/s', '× Node floor', 'p50 ms', 'p99 ms', 'CPU s / 10k req', 'req per CPU-s', 'peak RSS MB', 'RSS after load MB'];
  const withHalf = cases.some((c) => c.halfRate);
  if (withHalf) head.push('p99 ms at ½ peak rate');
  if (withIdle) head.push('KB / idle conn');
  head.push('cpu taken by others');
  const rows = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const c of cases) {
    const name = c.sluice ? `**${c.label}**` : c.label;
    if (c.status !== 'ok') {
      rows.push(`| ${name} | ${c.status} |${' |'.repeat(head.length - 2)}`);
      continue;
    }
    const cells = [name, int(c.rps), floor?.rps ? `${(c.rps / floor.rps).toFixed(2)}×` : '—', fixed(c.p50Ms), fixed(c.p99Ms),
      fixed(c.cpuPer10k), c.cpuPer10k ? int(10_000 / c.cpuPer10k) : '—', fixed(c.peakRssMB, 0), fixed(c.rssAfterMB, 0)];
    if (withHalf) cells.push(fixed(c.halfRate?.p99Ms));
    if (withIdle) cells.push(fixed(idleByTarget.get(c.target)?.kbPerConn, 1));
    cells.push(c.otherLoad == null ? '—' : `${Math.round(c.otherLoad * 100)} %`);
    const flags = [c.warning ? `⚠ ${c.warning}` : '', c.discardedNoisyRuns ? `(${c.discardedNoisyRuns} noisy run(s) re-run)` : ''].filter(Boolean).join(' ');
    rows.push(`| ${cells.join(' | ')}${flags ? ` ${flags}` : ''} |`);
  }
  return rows.join('\n');
}

/** Renders the report; `files` names the sibling SVG and JSON. */
export function renderMarkdown(results, files) {
  const m = results.meta;
  const out = [];
  out.push(`# Sluice benchmark — ${m.date}${m.quick ? ' (quick run: not for comparison)' : ''}`, '');
  out.push(`![req/s per target](${basename(files.svg)})`, '');
  out.push('## Setup', '');
  out.push(`- Machine: ${m.env.cpus} × ${m.env.cpuModel}, ${m.env.memoryGiB} GiB, ${m.env.kernel}; Node ${m.env.node}.`);
  const v = m.env.versions;
  out.push(`- Tools: nginx ${v.nginx ?? '—'}, haproxy ${v.haproxy ?? '—'}, wrk ${v.wrk ?? '—'}, h2load ${v.h2load ?? '—'}, autocannon (npm).`);
  out.push(`- Layout: ${m.layout.pinned ? `proxy pinned to cpu ${m.layout.proxyCpus}, load generator and upstream to cpu ${m.layout.loadCpus} (taskset)` : `no pinning (${m.layout.whyNotPinned})`}.`);
  out.push(`- Upstream: ${m.upstream === 'nginx' ? 'nginx, 1 worker' : 'Node http server (nginx not available)'}, 11-byte body "hello world", keep-alive.`);
  out.push(`- Load: ${m.layout.h1}; ${m.layout.h2}. Median of ${m.runs} × ${m.durationS} s after a ${m.warmupS} s warm-up per target.`);
  if (m.halfRate && m.layout.paced) out.push(`- p99 at ½ peak rate: ${m.layout.paced}, then one ${m.durationS} s run.`);
  const soaked = [...new Set((results.soak ?? []).filter((s) => s.status === 'ok').map((s) => s.label))];
  if (m.soakMinutes > 0 && soaked.length) out.push(`- RSS soak: ${m.soakMinutes} min at half the peak rate for ${soaked.join(', ')}; RSS every 10 s.`);
  out.push(`- Idle test: ${m.idleConns ? `${m.idleConns.toLocaleString('en-US')} keep-alive connections, one GET each, then idle; RSS delta of the proxy's process tree ÷ connections still open` : 'off'}.`);
  const busy = (m.env.loadAvgAtStart ?? 0) > 0.5 || (m.env.loadAvgAtEnd ?? 0) > 2.5;
  out.push(`- Load average (1 min) at start / end: ${m.env.loadAvgAtStart ?? '—'} / ${m.env.loadAvgAtEnd ?? '—'}${busy ? ' — **the machine was busy with other work: figures are low and noisy; compare ratios within this run only**' : ''}.`);
  out.push(`- Wall time: ${Math.round(m.elapsedS)} s.${m.aborted ? ` **Aborted: ${m.aborted}** — the tables hold what finished.` : ''}`);
  out.push('');
  const idleByTarget = new Map(results.idle.map((i) => [i.target, i]));
  const groups = [];
  for (const c of results.cases) {
    const key = `${c.protocol}:${c.bodyBytes}`;
    if (!groups.includes(key)) groups.push(key);
  }
  for (const key of groups) {
    const [p, b] = key.split(':');
    const cases = results.cases.filter((c) => c.protocol === p && c.bodyBytes === Number(b));
    const withIdle = p === 'h1' && results.idle.length > 0 && Number(b) === Math.min(...m.bodies);
    out.push(`## ${protocolLabel(p)}, ${bodyLabel(Number(b))}`, '', caseTable(cases, idleByTarget, withIdle), '');
  }
  const idleNotes = results.idle.filter((i) => i.note || i.count < m.idleConns || (i.openAtRead != null && i.openAtRead < i.count));
  if (idleNotes.length) {
    out.push('Idle test notes:', '');
    for (const i of idleNotes) {
      const parts = [];
      if (i.count < m.idleConns) parts.push(`${i.count} connections (its limit under this open-file limit)`);
      if (i.note) parts.push(i.note);
      if (i.openAtRead != null && i.openAtRead < i.count) parts.push(`${i.openAtRead} of ${i.count} still open when RSS was read`);
      out.push(`- ${i.label}: ${parts.join('; ')}`);
    }
    out.push('');
  }
  out.push(...halfRateSection(results), ...soakSection(results));
  out.push('## Sluice against DESIGN.md targets (ratios within this run)', '');
  out.push('| target | wanted | measured | |', '|---|---|---|---|');
  for (const t of checkTargets(results)) out.push(`| ${t.what} | ${t.want} | ${t.got} | ${t.pass == null ? '—' : t.pass ? 'met' : 'not met'} |`);
  out.push('');
  const notOk = results.cases.filter((c) => c.status !== 'ok');
  out.push('## Skipped and failed', '');
  if (notOk.length === 0) out.push('Nothing: every case ran.');
  const seen = new Set();
  for (const c of notOk) {
    const line = `- \`${c.target}\` ${protocolLabel(c.protocol)}: ${c.status}: ${c.reason}`;
    const bodies = notOk.filter((o) => o.target === c.target && o.protocol === c.protocol && o.reason === c.reason).map((o) => o.bodyBytes);
    if (seen.has(line)) continue;
    seen.add(line);
    out.push(`${line} (bodies: ${bodies.map((x) => `${x} B`).join(', ')})`);
  }
  out.push('');
  if (m.notes.length) {
    out.push('## Notes', '');
    for (const n of m.notes) out.push(`- ${n}`);
    out.push('');
  }
  out.push('What each column means, and how to run this yourself: [bench/README.md](../README.md).', '');
  return out.join('\n');
}
