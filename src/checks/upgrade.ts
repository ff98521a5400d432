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
  return {
    id: 'upgrade',
    status: findings.length ? 'failed' : 'passed',
    reason: notReached > 0 ? `${notReached === 1 ? '1 later revision was' : `${notReached} later revisions were`} not applied after the failure` : undefined,
    durationMs,
    findings,
  };
}
