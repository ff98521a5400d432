// The one order every reporter shows checks and findings in: severity first, then the order the checks run.
// Annotations are capped by this order too, so the most important findings are the ones GitHub shows.

import type { CheckId, Finding, Report, Severity } from './model.ts';

/** Checks in the order they run (pr-migrations first: it needs no database). */
export const CHECK_DISPLAY_ORDER: CheckId[] = [
  'pr-migrations', 'graph', 'upgrade', 'roundtrip', 'stairway', 'data', 'drift', 'models-registered', 'lint', 'live-drift',
];

export const CHECK_TITLE: Record<CheckId, string> = {
  'pr-migrations': 'PR migrations',
  graph: 'Revision graph',
  upgrade: 'Upgrade',
  roundtrip: 'Round trip',
  stairway: 'Stairway',
  data: 'Data (seeded stairway)',
  drift: 'Model drift',
  'models-registered': 'Models registered',
  lint: 'SQL lint',
  'live-drift': 'Live drift',
};

export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, notice: 2 };

export function checkRank(id: CheckId): number {
  const i = CHECK_DISPLAY_ORDER.indexOf(id);
  return i === -1 ? CHECK_DISPLAY_ORDER.length : i;
}

export interface RankedFinding {
  check: CheckId;
  finding: Finding;
}

/** Every finding with its check: severity first, then check order, then as the check reported them. */
export function rankedFindings(report: Report): RankedFinding[] {
  const all = report.checks.flatMap((c) => c.findings.map((finding, i) => ({ check: c.id, finding, i })));
  return all
    .sort((a, b) => SEVERITY_RANK[a.finding.severity] - SEVERITY_RANK[b.finding.severity] || checkRank(a.check) - checkRank(b.check) || a.i - b.i)
    .map(({ check, finding }) => ({ check, finding }));
}
