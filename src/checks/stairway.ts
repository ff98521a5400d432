// The `stairway` check: every revision's downgrade undoes exactly its upgrade, proven by schema snapshots.
// Reports the objects left behind (enum, index, sequence...), failed downgrades, and irreversible migrations.

import type { RevisionRecord } from '../driver/protocol.ts';
import type { CheckResult, Finding } from '../report/model.ts';
import { describeChange, type SchemaChange } from '../schema/diff.ts';
import { findingFromDriverError } from './driver-finding.ts';
import { stairwayHint } from './stairway-hint.ts';
import type { WalkResult } from './walk.ts';
import { count } from '../report/wording.ts';

export function describeTrace(c: SchemaChange): string {
  if (c.change === 'added') return `${describeChange(c)} (left behind by the downgrade)`;
  if (c.change === 'removed') return `${describeChange(c)} (existed before the upgrade, gone after the downgrade)`;
  return `${describeChange(c)} (not restored by the downgrade)`;
}

export function stairwayResult(walk: WalkResult, byId: Map<string, RevisionRecord>, durationMs: number): CheckResult {
  const findings: Finding[] = [];
  let checked = 0;
  for (const r of walk.revisions) {
    const record = byId.get(r.revision)!;
    const at = { revision: r.revision, file: record.file, line: record.downgradeLine ?? record.line ?? undefined };
    if (r.stairway === 'checked') checked++;
    if (r.stairway === 'irreversible') {
      const how = record.downgrade === 'raises' ? 'only raises an exception' : 'is missing';
      findings.push({
        code: 'stairway/irreversible',
        severity: 'warning',
        message: `revision ${r.revision} cannot be downgraded: its downgrade() ${how}`,
        ...at,
        hint: `Write a downgrade() that undoes upgrade(). If the migration is irreversible on purpose, set min-downgrade-revision = "${r.revision}" in [tool.alembic-preflight] so the round trip stops there.`,
      });
    }
    if (r.trace) {
      const left = r.trace.filter((c) => c.change === 'added').length;
      findings.push({
        code: 'stairway/downgrade-leaves-trace',
        severity: 'error',
        message: `the downgrade of revision ${r.revision} does not undo its upgrade: ${count(r.trace.length, 'difference')}${left ? `, ${count(left, 'object')} left behind` : ''}`,
        ...at,
        details: r.trace.map(describeTrace),
        hint: stairwayHint(r.trace),
      });
    }
    if (r.downgradeError) findings.push(findingFromDriverError('stairway/downgrade-failed', 'error', 'downgrade', r.downgradeError, at));
    if (r.reupgradeError) {
      const f = findingFromDriverError('stairway/reupgrade-failed', 'error', 'upgrade after downgrade', r.reupgradeError, at);
      f.hint = 'The downgrade left something the upgrade creates again (see the error): make downgrade() drop it.';
      findings.push(f);
    }
  }
  const failed = findings.some((f) => f.severity === 'error');
  const inScope = walk.revisions.filter((r) => r.stairway !== 'outside-scope').length;
  return {
    id: 'stairway',
    status: failed ? 'failed' : !walk.completed && checked === 0 ? 'skipped' : 'passed',
    reason: !walk.completed
      ? `stopped where the upgrade failed; ${count(checked, 'revision')} checked`
      : inScope < walk.revisions.length ? `${count(checked, 'revision')} checked (scope: new revisions)` : undefined,
    durationMs,
    findings,
  };
}

/**
 * The round trip without the leftovers the stairway already names, revision by revision: a round-trip finding
 * whose every difference is one the stairway found is the same root cause, said once (by the stairway).
 */
export function withoutStairwayCauses(roundtrip: CheckResult, stairway: CheckResult | null): CheckResult {
  if (!stairway) return roundtrip;
  const named = new Set(stairway.findings.filter((f) => f.code === 'stairway/downgrade-leaves-trace').flatMap((f) => f.details ?? []));
  const failedAt = new Set(stairway.findings
    .filter((f) => f.code === 'stairway/downgrade-failed' || f.code === 'stairway/reupgrade-failed')
    .map((f) => f.revision));
  const kept = roundtrip.findings.filter((f) => {
    if (f.code === 'roundtrip/downgrade-leaves-trace') return !(f.details ?? []).every((d) => named.has(d));
    if (f.code === 'roundtrip/downgrade-failed' || f.code === 'roundtrip/upgrade-failed') return !(f.revision && failedAt.has(f.revision));
    return true;
  });
  if (kept.length === roundtrip.findings.length) return roundtrip;
  const dropped = roundtrip.findings.length - kept.length;
  const note = `${dropped} finding${dropped === 1 ? '' : 's'} left to the stairway, which names the revision at fault`;
  return {
    ...roundtrip,
    findings: kept,
    status: roundtrip.status === 'failed' && !kept.some((f) => f.severity === 'error') ? 'passed' : roundtrip.status,
    reason: roundtrip.reason ? `${roundtrip.reason}; ${note}` : note,
  };
}
