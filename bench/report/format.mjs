// Number formatting shared by the Markdown table and the SVG chart.

/** "12,345" style integer, or "—". */
export function int(x) {
  return x == null ? '—' : Math.round(x).toLocaleString('en-US');
}

/** Fixed decimals, or "—". */
export function fixed(x, digits = 2) {
  return x == null ? '—' : x.toFixed(digits);
}

/** "12.3k" for chart labels. */
export function kilo(x) {
  if (x == null) return '—';
  return x >= 1000 ? `${(x / 1000).toFixed(x >= 100_000 ? 0 : 1)}k` : String(Math.round(x));
}

/** "0 B" / "1 KB" / "64 KB" for body sizes (binary KB, as the flags are given in bytes). */
export function bodyLabel(bytes) {
  if (bytes === 0) return '0 B (GET)';
  if (bytes % 1024 === 0) return `${bytes / 1024} KB POST`;
  return `${bytes} B POST`;
}

/** "HTTP/1.1" / "HTTP/2 (h2c)". */
export function protocolLabel(p) {
  return p === 'h2' ? 'HTTP/2 (h2c)' : 'HTTP/1.1';
}
