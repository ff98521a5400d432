// The `upgrade` check: base → head on the empty throwaway database, one revision at a time.
// A failure names the revision, the file:line of the op.* call, and the database's error code, detail and hint.

import type { CheckResult, Finding } from '../report/model.ts';
import { findingFromDriverError } from './driver-finding.ts';
import type { WalkResult } from './walk.ts';
import type { RevisionRecord } from '../driver/protocol.ts';

export function upgradeResult(walk: WalkResult, byId: Map<string, RevisionRecord>, durationMs: number): CheckResult {
  const findings: Finding[] = [];
  let applied = 0;
  for (const r of walk.revisions) {
    if (r.upgrade) applied++;
    if (r.upgradeError) {
      const record = byId.get(r.revision);
      findings.push(findingFromDriverError('upgrade/failed', 'error', 'upgrade', r.upgradeError, { revision: r.revision, file: record?.file }));
    }
  }
  const notReached = walk.revisions.length - applied - findings.length;
  const failedSomewhere = findings.length > 0 || walk.revisions.some((r) => r.downgradeError || r.reupgradeError);
  if (notReached > 0 && !failedSomewhere) {
    // Nothing failed, yet revisions were never applied: env.py ran without running the migrations (its online
    // branch skipped, run_migrations() never called). Plain `alembic upgrade head` would apply nothing either.
    const first = walk.revisions.find((r) => !r.upgrade)!;
    findings.push({
      code: 'upgrade/not-applied',
      severity: 'error',
      message: `env.py ran but applied ${applied === 0 ? 'no revision' : `only ${applied} of ${walk.revisions.length} revisions`}: ${notReached === 1 ? 'revision' : `${notReached} revisions, from`} ${first.revision} ${notReached === 1 ? 'was' : 'on, were'} never applied, and nothing failed`,
      revision: first.revision,
      file: byId.get(first.revision)?.file,
      hint: 'In online mode env.py must call context.configure(connection=...) and context.run_migrations() inside context.begin_transaction(), as Alembic\'s templates do; check the condition that chooses the online branch.',
    });
    return { id: 'upgrade', status: 'failed', reason: undefined, durationMs, findings };
  }
  return {
    id: 'upgrade',
    status: findings.length ? 'failed' : 'passed',
    reason: notReached > 0 ? `${notReached === 1 ? '1 later revision was' : `${notReached} later revisions were`} not applied after the failure` : undefined,
    durationMs,
    findings,
  };
}
