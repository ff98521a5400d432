// The migration walk: base → head one revision at a time, in one pass (linear, not quadratic). Per revision:
// upgrade (traced), snapshot, and for the stairway: downgrade, snapshot, compare, upgrade again.

import type { ThrowawayDatabase } from '../database/provider.ts';
import type { Driver } from '../driver/client.ts';
import { DriverError } from '../driver/client.ts';
import type { DriverErrorPayload, MigrationStep, RevisionRecord } from '../driver/protocol.ts';
import { diffSnapshots, type SchemaChange } from '../schema/diff.ts';
import type { SchemaSnapshot } from '../schema/snapshot.ts';

export type StairwayOutcome =
  | 'checked'
  | 'outside-scope'
  | 'below-floor'
  | 'irreversible'
  | 'not-reached';

export interface RevisionWalk {
  revision: string;
  upgrade?: MigrationStep;
  upgradeError?: DriverErrorPayload;
  stairway: StairwayOutcome;
  downgrade?: MigrationStep;
  downgradeError?: DriverErrorPayload;
  /** What the downgrade left behind or took too much: diff(snapshot before upgrade, snapshot after downgrade). */
  trace?: SchemaChange[];
  reupgradeError?: DriverErrorPayload;
  /** The walk had to rebuild the database up to this revision after a failed downgrade or re-upgrade. */
  rebuilt?: boolean;
}

export interface WalkOptions {
  order: string[];
  byId: Map<string, RevisionRecord>;
  /** Revisions to downgrade and upgrade again (empty: the stairway is off). */
  stairway: Set<string>;
  /** Revisions at or below the floor (--min-downgrade-revision) are never downgraded. */
  belowFloor: Set<string>;
  /** Record PostgreSQL lock/rewrite facts per statement (for lint). */
  facts: boolean;
  /** Called after each revision's first upgrade: where PR mode takes the base branch's schema. */
  onUpgraded?: (revision: string, snapshot: SchemaSnapshot) => void;
  progress?: (line: string) => void;
}

export interface WalkResult {
  revisions: RevisionWalk[];
  /** Reached the last revision of the order. */
  completed: boolean;
  initial: SchemaSnapshot;
  /** Snapshot after each revision's upgrade, by revision. */
  snapshots: Map<string, SchemaSnapshot>;
  head?: SchemaSnapshot;
}

/** A downgrade that is `pass`, raises or is missing cannot undo anything; a merge revision's `pass` is right,
 * since a merge changes no schema. */
export function isIrreversible(record: RevisionRecord): boolean {
  if (record.downgrade === 'pass' && record.downRevisions.length > 1) return false;
  return record.downgrade !== 'ok';
}

export function driverErrorPayload(error: unknown): DriverErrorPayload {
  if (error instanceof DriverError) return error.payload;
  throw error;
}

export async function walkMigrations(driver: Driver, db: ThrowawayDatabase, opts: WalkOptions): Promise<WalkResult> {
  const initial = await db.snapshot();
  const snapshots = new Map<string, SchemaSnapshot>();
  const revisions: RevisionWalk[] = opts.order.map((revision) => ({ revision, stairway: 'not-reached' }));
  let before = initial;
  let completed = true;

  for (const [i, walk] of revisions.entries()) {
    const id = walk.revision;
    const record = opts.byId.get(id)!;
    opts.progress?.(`[${i + 1}/${revisions.length}] ${id} ${record.message ? `(${record.message})` : ''}`.trimEnd());
    try {
      walk.upgrade = (await driver.call('step', { revision: id, direction: 'up', trace: true, facts: opts.facts })).steps[0];
    } catch (error) {
      walk.upgradeError = driverErrorPayload(error);
      completed = false;
      break;
    }
    const after = await db.snapshot();
    snapshots.set(id, after);
    opts.onUpgraded?.(id, after);
    let next = after;

    if (!opts.stairway.has(id)) walk.stairway = 'outside-scope';
    else if (opts.belowFloor.has(id)) walk.stairway = 'below-floor';
    else if (isIrreversible(record)) walk.stairway = 'irreversible';
    else {
      walk.stairway = 'checked';
      try {
        walk.downgrade = (await driver.call('step', { revision: id, direction: 'down', trace: true, facts: false })).steps[0];
        const down = await db.snapshot();
        const trace = diffSnapshots(before, down);
        if (trace.length) walk.trace = trace;
        try {
          await driver.call('step', { revision: id, direction: 'up', trace: false, facts: false });
          // A clean downgrade puts back exactly `before`, so the re-upgrade gives `after` again: no snapshot needed.
          if (trace.length) next = await db.snapshot();
        } catch (error) {
          walk.reupgradeError = driverErrorPayload(error);
        }
      } catch (error) {
        walk.downgradeError = driverErrorPayload(error);
      }
      if (walk.downgradeError || walk.reupgradeError) {
        if (!(await rebuild(driver, db, opts.order.slice(0, i + 1)))) {
          completed = false;
          break;
        }
        walk.rebuilt = true;
        next = await db.snapshot();
      }
    }
    before = next;
  }
  return { revisions, completed, initial, snapshots, head: completed ? before : undefined };
}

/** Back to "every revision up to here applied" from an empty database, after a downgrade went wrong. */
async function rebuild(driver: Driver, db: ThrowawayDatabase, revisions: string[]): Promise<boolean> {
  await db.reset();
  try {
    for (const revision of revisions) await driver.call('step', { revision, direction: 'up', trace: false, facts: false });
    return true;
  } catch (error) {
    driverErrorPayload(error);
    return false;
  }
}
