/**
 * Durations in config are strings with a unit ("250ms", "5s", "1.5m", "1h"), parsed once at load.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
export const DURATION_PATTERN = '^[0-9]+(\\.[0-9]+)?(ms|s|m|h)$';
const RE = new RegExp(DURATION_PATTERN);

/** Milliseconds for a duration string; undefined when the string is not a duration. */
export function parseDuration(s: string): number | undefined {
  const m = RE.exec(s);
  if (!m) return undefined;
  return Math.round(parseFloat(s) * UNIT_MS[m[2]!]!);
}

/** Milliseconds for an optional, already-validated duration, or `fallback` when absent. */
export function durationMs(s: string | undefined, fallback: number): number {
  if (s === undefined) return fallback;
  const v = parseDuration(s);
  return v === undefined ? fallback : v;
}
