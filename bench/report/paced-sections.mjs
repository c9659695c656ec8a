// Markdown sections for the two paced measurements: latency at half the peak rate (target and
// achieved rate, p50, p99) and RSS over the soak (baseline, min, max, last, deviation, verdict).
import { bodyLabel, fixed, int } from './format.mjs';

/** "12 %" for a 0–1 share, or "—". */
function pct(x) {
  return x == null ? '—' : `${Math.round(x * 100)} %`;
}

/** "18 % under the target" / "16 % over the target" for a run flagged short or over, else ''. */
function offBy(r) {
  if (!r?.short && !r?.over) return '';
  const pctOff = Math.round(Math.abs(1 - r.rps / r.targetRps) * 100);
  return `${pctOff} % ${r.short ? 'under' : 'over'} the target`;
}

/** " (the rate reached was 18 % under the target)" for a run flagged short or over, else ''. */
export function shortNote(r) {
  const off = offBy(r);
  return off ? ` (the rate reached was ${off})` : '';
}

/** The half-rate table: one row per HTTP/1.1 case that has a halfRate result. Empty when none. */
export function halfRateSection(results) {
  const cases = results.cases.filter((c) => c.status === 'ok' && c.halfRate);
  if (cases.length === 0) return [];
  const body = cases[0].bodyBytes;
  const out = [`## Latency at half the peak rate (HTTP/1.1, ${bodyLabel(body)})`, ''];
  out.push(`Each target is held at half of its median req/s above by ${results.meta.layout?.paced ?? 'paced wrk'}. `
    + 'The waits of all connections add up to a near-Poisson stream of arrivals, so p99 is the latency under a '
    + 'steady half load, not the depth of a synchronized burst. The loop is closed (a wait starts after its response), '
    + 'so a stall in the proxy also holds arrivals back: the achieved rate shows that, and ⚠ marks a rate more than '
    + '15 % off the target.', '');
  out.push('| target | target req/s | achieved req/s | p50 ms | p99 ms | mean wait per connection ms | cpu taken by others |', '|---|---:|---:|---:|---:|---:|---:|');
  for (const c of cases) {
    const h = c.halfRate;
    const name = c.sluice ? `**${c.label}**` : c.label;
    const flag = offBy(h) ? ` ⚠ ${offBy(h)}` : '';
    out.push(`| ${name} | ${int(h.targetRps)} | ${int(h.rps)}${flag} | ${fixed(h.p50Ms)} | ${fixed(h.p99Ms)} | ${fixed(h.meanDelayMs)} | ${pct(h.otherLoad)} |`);
  }
  out.push('');
  return out;
}

/** RSS at each whole minute of the soak and at its end, for a one-line view of the trend. */
function perMinute(samples) {
  const picked = [];
  for (let k = 0; ; k++) {
    const s = samples.find((x) => x.tS >= k * 60 - 1);
    if (!s) break;
    if (!picked.includes(s)) picked.push(s);
  }
  const last = samples[samples.length - 1];
  if (!picked.includes(last)) picked.push(last);
  return picked.map((s) => `${Math.round(s.tS / 6) / 10} min: ${s.rssMB.toFixed(1)}`);
}

/** The soak table, a per-minute RSS line per target, and why a soak did not run. Empty when none. */
export function soakSection(results) {
  const soaks = results.soak ?? [];
  if (soaks.length === 0) return [];
  const minutes = soaks[0].minutes;
  const ok = soaks.filter((s) => s.status === 'ok');
  const out = [`## RSS over a ${minutes}-minute soak at a steady rate`, ''];
  out.push('Paced HTTP/1.1 load at half the peak rate (as above), in back-to-back 30 s wrk runs, while the RSS of the '
    + "proxy's whole process tree is read every 10 s. The first minute is warm-up. The baseline is the median RSS of the "
    + "minute after it; the deviation is the largest difference between a later whole minute's median and the baseline "
    + "(single samples swing with V8's garbage collection); min, max and last are raw samples after the warm-up. "
    + 'DESIGN.md wants it flat within ±10 %. '
    + 'Every sample is in the JSON (`soak[].samples`).', '');
  if (ok.length) {
    out.push('| target | minutes | target req/s | achieved req/s | highest p99 ms (of 30 s runs) | baseline MB (median of minute 2) | min MB | max MB | last MB | max deviation (minute medians) | flat (±10 %) | cpu taken by others (worst 30 s) |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|');
    for (const s of ok) {
      const verdict = s.pass == null ? 'not judged' : s.pass ? 'yes' : 'no';
      const dev = s.maxDeviationPct == null ? '—' : `${s.maxDeviationPct.toFixed(1)} %`;
      out.push(`| **${s.label}** | ${fixed(s.seconds / 60, 1)} | ${int(s.targetRps)} | ${int(s.rps)} | ${fixed(s.p99MsMax)} | ${fixed(s.baselineMB, 1)} | `
        + `${fixed(s.minMB, 1)} | ${fixed(s.maxMB, 1)} | ${fixed(s.lastMB, 1)} | ${dev} | ${verdict} | ${pct(s.otherLoadMax)} |`);
    }
    out.push('');
    for (const s of ok) {
      const medians = s.minuteMediansMB?.length ? `; minute medians from minute 2: ${s.minuteMediansMB.map((x) => x.toFixed(1)).join(', ')}` : '';
      out.push(`- ${s.label}: RSS (MB) ${perMinute(s.samples).join(', ')}${medians}${s.errors ? `; ${s.errors} failed requests` : ''}${s.note ? `; ${s.note}` : ''}.`);
    }
    out.push('');
  }
  for (const s of soaks.filter((x) => x.status !== 'ok')) out.push(`- ${s.label}: soak ${s.status}: ${s.reason}`);
  if (soaks.some((x) => x.status !== 'ok')) out.push('');
  return out;
}
