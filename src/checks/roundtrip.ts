// The `roundtrip` check: head → lowest reachable revision → head, and the schema after the second upgrade
// equals the schema after the first. Stops at irreversible migrations and the configured floor, and says so.

import type { ThrowawayDatabase } from '../database/provider.ts';
import type { Driver } from '../driver/client.ts';
import type { RevisionRecord } from '../driver/protocol.ts';
import type { CheckResult, Finding } from '../report/model.ts';
import { describeChange, diffSnapshots } from '../schema/diff.ts';
import { InternalError } from '../errors.ts';
import { findingFromDriverError } from './driver-finding.ts';
import { describeTrace } from './stairway.ts';
import { driverErrorPayload, isIrreversible, type WalkResult } from './walk.ts';
import { count } from '../report/wording.ts';

/** The lowest revision the round trip can go down to: the newest irreversible one or the configured floor,
 * whichever is higher; undefined for base. */
export function roundtripFloor(order: string[], byId: Map<string, RevisionRecord>, floor?: string): string | undefined {
  let floorIndex = floor ? order.indexOf(floor) : -1;
  order.forEach((id, i) => {
    if (isIrreversible(byId.get(id)!) && i > floorIndex) floorIndex = i;
  });
  return floorIndex >= 0 ? order[floorIndex] : undefined;
}

export async function runRoundtrip(
  driver: Driver,
  db: ThrowawayDatabase,
  walk: WalkResult,
  opts: { order: string[]; byId: Map<string, RevisionRecord>; floor?: string; heads: string[] },
): Promise<CheckResult> {
  const started = Date.now();
  const findings: Finding[] = [];
  const done = (reason?: string): CheckResult => ({
    id: 'roundtrip',
    status: findings.some((f) => f.severity === 'error') ? 'failed' : 'passed',
    reason,
    durationMs: Date.now() - started,
    findings,
  });
  if (!walk.completed || !walk.head) {
    return { id: 'roundtrip', status: 'skipped', reason: 'the upgrade to head failed', durationMs: 0, findings };
  }

  const target = roundtripFloor(opts.order, opts.byId, opts.floor) ?? 'base';
  if (opts.heads.length === 1 && target === opts.heads[0]) {
    return { id: 'roundtrip', status: 'skipped', reason: `nothing to go down to: the head ${target} is itself irreversible or the configured floor`, durationMs: 0, findings };
  }
  // `alembic downgrade X` keeps every revision that does not depend on X, other branches included; the walk's
  // snapshot at X has only what came before X in its order. Compare only when the two are the same set.
  const comparable = target === 'base' || sameSet(revisionsKeptBy(target, opts.byId), opts.order.slice(0, opts.order.indexOf(target) + 1));
  const expected = target === 'base' ? walk.initial : walk.snapshots.get(target);
  if (!expected) throw new InternalError(`the walk kept no snapshot of ${target}, the round trip's floor`);
  const headTarget = opts.heads.length > 1 ? 'heads' : 'head';

  try {
    await driver.call('downgrade', { target, trace: false, facts: false });
  } catch (error) {
    findings.push(findingFromDriverError('roundtrip/downgrade-failed', 'error', `downgrade to ${target}`, driverErrorPayload(error)));
    return done();
  }
  const low = await db.snapshot();
  const trace = comparable ? diffSnapshots(expected, low, { compare: 'storage' }) : [];
  if (trace.length) {
    findings.push({
      code: 'roundtrip/downgrade-leaves-trace',
      severity: 'error',
      message: `after downgrading from head to ${target}, the schema is not what it was at ${target}: ${count(trace.length, 'difference')}`,
      details: trace.map(describeTrace),
      hint: 'The stairway check names the revision whose downgrade leaves this behind.',
    });
  }
  try {
    await driver.call('upgrade', { target: headTarget, trace: false, facts: false });
  } catch (error) {
    findings.push(findingFromDriverError('roundtrip/upgrade-failed', 'error', `upgrade from ${target} to ${headTarget}`, driverErrorPayload(error)));
    return done();
  }
  const again = await db.snapshot();
  const differs = diffSnapshots(walk.head, again, { compare: 'storage' });
  if (differs.length) {
    findings.push({
      code: 'roundtrip/schema-differs',
      severity: 'error',
      message: `the schema after upgrade → downgrade → upgrade differs from the first upgrade: ${count(differs.length, 'difference')}`,
      details: differs.map(describeChange),
    });
  }
  if (target === 'base') return done();
  return done(`went down to ${target}, not base (irreversible migration or configured floor)` +
    (comparable ? '' : `; other branches stay applied below ${target}, so only the way back up is compared`));
}

/** The revisions still applied after `alembic downgrade target` from head: all but those that depend on it. */
function revisionsKeptBy(target: string, byId: Map<string, RevisionRecord>): string[] {
  const dependents = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const r of byId.values()) {
      if (dependents.has(r.revision)) continue;
      if ([...r.downRevisions, ...r.dependsOn].some((d) => d === target || dependents.has(d))) {
        dependents.add(r.revision);
        grew = true;
      }
    }
  }
  return [...byId.keys()].filter((id) => !dependents.has(id));
}

function sameSet(a: string[], b: string[]): boolean {
  const set = new Set(a);
  return a.length === b.length && b.every((x) => set.has(x));
}
