// The migration walk: base → head one revision at a time, in one pass (linear, not quadratic). Per revision:
// upgrade (traced), snapshot, and for the stairway: downgrade, snapshot, compare, upgrade again.
// The driver runs the whole walk in one env.py run (driver.py do_walk); after a failed downgrade or re-upgrade the
// database is rebuilt up to that revision and the walk goes on from the next one.

import type { ThrowawayDatabase } from '../database/provider.ts';
import type { Driver } from '../driver/client.ts';
import { DriverError } from '../driver/client.ts';
import type { DriverErrorPayload, MigrationStep, RawSnapshot, RevisionRecord, WalkSnapshotSpec } from '../driver/protocol.ts';
import { diffSnapshots, type SchemaChange } from '../schema/diff.ts';
import { snapshotFromTexts, snapshotQueries } from '../schema/postgres-snapshot.ts';
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
  /** Revisions whose schema (after their upgrade) the caller needs: the PR's base, the round trip's floor. */
  keepSnapshots: string[];
  progress?: (line: string) => void;
}

export interface WalkResult {
  revisions: RevisionWalk[];
  /** Reached the last revision of the order. */
  completed: boolean;
  initial: SchemaSnapshot;
  /** Snapshot after the upgrade of each revision named in keepSnapshots. */
  snapshots: Map<string, SchemaSnapshot>;
  head?: SchemaSnapshot;
}

/** Only a downgrade that raises (NotImplementedError) or is missing cannot run. A `pass` downgrade runs like any
 * other (a data backfill or a merge point has nothing to undo): the snapshots judge what it leaves behind. */
export function isIrreversible(record: RevisionRecord): boolean {
  return record.downgrade === 'raises' || record.downgrade === 'missing';
}

export function driverErrorPayload(error: unknown): DriverErrorPayload {
  if (error instanceof DriverError) return error.payload;
  throw error;
}

export function walkSnapshotSpec(db: ThrowawayDatabase): WalkSnapshotSpec {
  return db.dialect === 'postgresql' ? { kind: 'postgresql', queries: snapshotQueries(db.serverVersionNum) } : { kind: 'sqlite' };
}

function toSnapshot(raw: RawSnapshot): SchemaSnapshot {
  return Array.isArray(raw) ? snapshotFromTexts(raw) : raw;
}

export async function walkMigrations(driver: Driver, db: ThrowawayDatabase, opts: WalkOptions): Promise<WalkResult> {
  const spec = walkSnapshotSpec(db);
  const revisions: RevisionWalk[] = opts.order.map((revision) => {
    const record = opts.byId.get(revision)!;
    const stairway: StairwayOutcome = !opts.stairway.has(revision)
      ? 'outside-scope'
      : opts.belowFloor.has(revision) ? 'below-floor' : isIrreversible(record) ? 'irreversible' : 'checked';
    return { revision, stairway };
  });
  const index = new Map(opts.order.map((id, i) => [id, i]));
  const snapshots = new Map<string, SchemaSnapshot>();
  let initial: SchemaSnapshot | undefined;
  let head: SchemaSnapshot | undefined;
  let completed = false;
  let from = 0;

  while (from < opts.order.length) {
    opts.progress?.(`walking revisions ${from + 1}–${opts.order.length} of ${opts.order.length}` +
      (opts.stairway.size ? ' (upgrade, downgrade, upgrade each)' : ''));
    const part = revisions.slice(from);
    const result = await driver.call('walk', {
      revisions: part.map((r) => ({ revision: r.revision, stairway: r.stairway === 'checked' })),
      facts: opts.facts,
      snapshot: spec,
      initial: from === 0,
      full: opts.keepSnapshots.filter((id) => (index.get(id) ?? -1) >= from),
      head: true,
    });
    if (result.timings) {
      const t = result.timings;
      opts.progress?.(`walk: ${(t.totalMs / 1000).toFixed(2)} s, of which ${t.snapshots} snapshots ${(t.snapshotMs / 1000).toFixed(2)} s`);
    }
    if (result.initial) initial = toSnapshot(result.initial);
    for (const item of result.revisions) {
      const walk = revisions[index.get(item.revision)!]!;
      if (!item.upgrade) continue; // the revision whose first upgrade failed
      walk.upgrade = item.upgrade;
      walk.downgrade = item.downgrade;
      if (item.trace) {
        // Digests differ; the objects may still be equal (e.g. a re-added column at another position).
        const trace = diffSnapshots(toSnapshot(item.trace.before), toSnapshot(item.trace.afterDown), { compare: 'storage' });
        if (trace.length) walk.trace = trace;
      }
    }
    for (const [id, raw] of Object.entries(result.full)) snapshots.set(id, toSnapshot(raw));
    if (!result.failure) {
      head = result.head ? toSnapshot(result.head) : undefined;
      completed = true;
      break;
    }
    const { revision, phase, error } = result.failure;
    const at = index.get(revision)!;
    const walk = revisions[at]!;
    if (phase === 'up') {
      walk.upgradeError = error;
      break;
    }
    if (phase === 'down') walk.downgradeError = error;
    else walk.reupgradeError = error;
    opts.progress?.(`rebuilding the database up to ${revision} after its failed ${phase === 'down' ? 'downgrade' : 're-upgrade'}`);
    if (!(await rebuild(driver, db, spec, opts.order.slice(0, at + 1)))) break;
    walk.rebuilt = true;
    from = at + 1;
    if (from === opts.order.length) {
      head = await db.snapshot();
      completed = true;
    }
  }
  // Planned but never reached (the walk stopped at a failed upgrade): not checked.
  for (const r of revisions) if (!r.upgrade && r.stairway === 'checked') r.stairway = 'not-reached';
  // An empty project, or a failure on the very first revision, still has a starting point to compare with.
  initial ??= await db.snapshot();
  return { revisions, completed, initial, snapshots, head };
}

/** Back to "every revision up to here applied" from an empty database, after a downgrade went wrong. */
async function rebuild(driver: Driver, db: ThrowawayDatabase, spec: WalkSnapshotSpec, revisions: string[]): Promise<boolean> {
  await db.reset();
  const result = await driver.call('walk', {
    revisions: revisions.map((revision) => ({ revision, stairway: false })),
    facts: false,
    snapshot: spec,
    initial: false,
    full: [],
    head: false,
  });
  return !result.failure;
}
