// How a case that did not produce numbers is told apart: a Skip is an expected absence (a tool,
// module file or Sluice feature not available yet); any other Error is a failure.

/** Thrown when a scenario cannot run for a known, reportable reason. */
export class Skip extends Error {
  constructor(reason) {
    super(reason);
    this.name = 'Skip';
  }
}

/** Turns a thrown value into {status, reason} for the report. */
export function outcomeOf(err) {
  if (err instanceof Skip) return { status: 'skipped', reason: err.message };
  return { status: 'failed', reason: String(err?.message ?? err).split('\n')[0] };
}
