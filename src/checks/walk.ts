// The migration walk: base → head one revision at a time, in one pass (linear, not quadratic). Per revision:
// upgrade (traced), snapshot, and for the stairway: downgrade, snapshot, compare, upgrade again.
// The driver runs the whole walk in one env.py run (preflight_driver/walk.py). After a failed downgrade the walk
// goes on where it was when the driver finds the database as it was before the downgrade (rolled back); otherwise
// (a failed re-upgrade) the database comes back from the last restore point, the revisions since are applied
// again, and a new restore point is taken there.

import type { ThrowawayDatabase } from '../database/provider.ts';
import type { Driver } from '../driver/client.ts';
import { DriverError } from '../driver/client.ts';
import type { DriverErrorPayload, MigrationStep, RawSnapshot, RevisionData, RevisionRecord, WalkSnapshotSpec } from '../driver/protocol.ts';
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
  /** After a failed downgrade or re-upgrade the database came back from a restore point (or was rebuilt). */
  rebuilt?: boolean;
  /** The seeded stairway: rows before the upgrade, and what the downgrade did not give back. */
  data?: RevisionData;
  /** A step failed on seeded rows and passed on the same schema without them (the walk went on from that). */
  dataFailure?: DataFailure;
}

export interface DataFailure {
  phase: 'up' | 'down' | 'reup';
  error: DriverErrorPayload;
  /** A row of the table the failing statement names, as it was before the step. */
  row?: { table: string; row: Record<string, unknown> };
}

const PHASES = ['up', 'down', 'reup'] as const;

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
  /** Snapshots are compared by some check (stairway, round trip, the PR's schema diff); off: none is taken. */
  snapshots: boolean;
  /** The seeded stairway (`data` check): rows in every table before each upgrade, compared after the downgrade. */
  data?: boolean;
  /** How the driver reads them (default walkSnapshotSpec(db)); the tests' reference reads everything each time. */
  snapshotSpec?: WalkSnapshotSpec;
  progress?: (line: string) => void;
}

export interface WalkResult {
  revisions: RevisionWalk[];
  /** Reached the last revision of the order. */
  completed: boolean;
  /** Undefined when opts.snapshots is off. */
  initial?: SchemaSnapshot;
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
  if (db.dialect !== 'postgresql') return { kind: 'sqlite' };
  return {
    kind: 'postgresql',
    queries: snapshotQueries(db.serverVersionNum),
    partialQueries: snapshotQueries(db.serverVersionNum, { roots: true }),
  };
}

function toSnapshot(raw: RawSnapshot): SchemaSnapshot {
  return Array.isArray(raw) ? snapshotFromTexts(raw) : raw;
}

export async function walkMigrations(driver: Driver, db: ThrowawayDatabase, opts: WalkOptions): Promise<WalkResult> {
  const spec: WalkSnapshotSpec = opts.snapshots ? (opts.snapshotSpec ?? walkSnapshotSpec(db)) : { kind: 'none' };
  const revisions: RevisionWalk[] = opts.order.map((revision) => {
    const record = opts.byId.get(revision)!;
    const stairway: StairwayOutcome = !opts.stairway.has(revision)
      ? 'outside-scope'
      : opts.belowFloor.has(revision) ? 'below-floor' : isIrreversible(record) ? 'irreversible' : 'checked';
    return { revision, stairway };
  });
  const index = new Map(opts.order.map((id, i) => [id, i]));
  const snapshots = new Map<string, SchemaSnapshot>();
  const restorer = new RestorePoints(driver, db, opts.order);
  let initial: SchemaSnapshot | undefined;
  let head: SchemaSnapshot | undefined;
  let completed = false;
  let from = 0;
  /** The revision whose downgrade failed: the next walk checks the database is as it was after its upgrade. */
  let resume: string | undefined;
  /** Revisions a step of which failed on seeded rows: walked again without seeding them. */
  const noSeed = new Set<string>();

  while (from < opts.order.length) {
    opts.progress?.(`walking revisions ${from + 1}–${opts.order.length} of ${opts.order.length}` +
      (opts.stairway.size ? ' (upgrade, downgrade, upgrade each)' : ''));
    const part = revisions.slice(from);
    const result = await driver.call('walk', {
      revisions: part.map((r) => ({ revision: r.revision, stairway: r.stairway === 'checked' })),
      facts: opts.facts,
      snapshot: spec,
      initial: from === 0 && opts.snapshots,
      full: opts.keepSnapshots.filter((id) => (index.get(id) ?? -1) >= from),
      head: opts.snapshots,
      ...(resume ? { resume } : {}),
      ...(opts.data ? { data: true, noSeed: [...noSeed] } : {}),
    });
    if (result.resumed === false) {
      // The failed downgrade was not rolled back whole (or there was nothing to compare with): restore.
      opts.progress?.(`restoring the database at ${resume} after its failed downgrade`);
      if (!(await restorer.restoreTo(from - 1))) break;
      revisions[from - 1]!.rebuilt = true;
      resume = undefined;
      continue;
    }
    resume = undefined;
    if (result.timings) {
      const t = result.timings;
      const reads = result.snapshotReads;
      opts.progress?.(`walk: ${(t.totalMs / 1000).toFixed(2)} s: upgrades ${((t.upMs ?? 0) / 1000).toFixed(2)} s, ` +
        `downgrades ${((t.downMs ?? 0) / 1000).toFixed(2)} s, re-upgrades ${((t.reupMs ?? 0) / 1000).toFixed(2)} s, ` +
        `${t.snapshots} snapshots ${(t.snapshotMs / 1000).toFixed(2)} s` +
        (opts.data ? `, seeding and data reads ${((t.seedMs ?? 0) / 1000).toFixed(2)} s` : '') +
        (reads ? ` (${reads.full} full, ${reads.partial} partial reading ${reads.roots} roots${reads.oneTrip ? `; ${reads.oneTrip} in one round trip` : ''}${reads.analyzed ? `; catalogs analysed ${reads.analyzed} times` : ''})` : ''));
    }
    if (result.initial) initial = toSnapshot(result.initial);
    for (const item of result.revisions) {
      const walk = revisions[index.get(item.revision)!]!;
      if (!item.upgrade) continue; // the revision whose first upgrade failed
      walk.upgrade = item.upgrade;
      walk.downgrade = item.downgrade;
      if (item.data) walk.data = item.data;
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
    if (opts.data && !noSeed.has(revision) && ((result.failure.data?.rows ?? 0) > 0 || result.failure.data?.anySeeded)) {
      // Failed with rows in the tables: a data failure only if the same step passes on the same schema without
      // them. The database comes back without seeded rows (restore points never hold any), and the walk goes on
      // from the un-seeded attempt, so the stairway's own verdicts are those of an empty database.
      walk.dataFailure = { phase, error, ...(result.failure.data?.row ? { row: result.failure.data.row } : {}) };
      noSeed.add(revision);
      walk.trace = undefined;
      opts.progress?.(`${revision}: the ${phase === 'up' ? 'upgrade' : phase === 'down' ? 'downgrade' : 're-upgrade'} failed on seeded rows; trying it without them`);
      if (!(await restorer.restoreTo(at - 1))) break;
      from = at;
      resume = undefined;
      continue;
    }
    if (walk.dataFailure && PHASES.indexOf(phase) <= PHASES.indexOf(walk.dataFailure.phase)) {
      // It fails without rows too: the plain failure, reported as before.
      walk.dataFailure = undefined;
    }
    if (phase === 'up') {
      walk.upgradeError = error;
      break;
    }
    from = at + 1;
    if (phase === 'down') {
      walk.downgradeError = error;
      resume = revision;
    } else {
      walk.reupgradeError = error;
      opts.progress?.(`restoring the database at ${revision} after its failed re-upgrade`);
      if (!(await restorer.restoreTo(at))) break;
      walk.rebuilt = true;
    }
    if (from === opts.order.length) {
      if (resume) {
        // Nothing left to walk: only the check that the failed downgrade left the database as it was.
        const check = await driver.call('walk', { revisions: [], facts: false, snapshot: spec, initial: false, full: [], head: opts.snapshots, resume,
          ...(opts.data ? { data: true } : {}) });
        if (check.resumed === false && !(await restorer.restoreTo(at))) break;
        head = check.resumed === false ? (opts.snapshots ? await db.snapshot() : undefined) : check.head ? toSnapshot(check.head) : undefined;
      } else if (opts.snapshots) {
        head = await db.snapshot();
      }
      completed = true;
    }
  }
  // Planned but never reached (the walk stopped at a failed upgrade): not checked, and not called irreversible either.
  for (const r of revisions) if (!r.upgrade && (r.stairway === 'checked' || r.stairway === 'irreversible')) r.stairway = 'not-reached';
  // An empty project, or a failure on the very first revision, still has a starting point to compare with.
  if (opts.snapshots) initial ??= await db.snapshot();
  return { revisions, completed, initial, snapshots, head };
}

/** Restore points: the database after revision `at` without replaying every migration from base. One point at a
 * time: the latest place a failure was recovered at (base before that), taken while no walk is connected. */
class RestorePoints {
  private at = -1;

  constructor(private readonly driver: Driver, private readonly db: ThrowawayDatabase, private readonly order: string[]) {}

  /** The database as after revision `at` (index in the order); false when replaying up to it failed. */
  async restoreTo(at: number): Promise<boolean> {
    // A restore point of this walk's own, at or below `at` (a provider's older one may be another walk's).
    const usable = this.db.restore !== undefined && this.at >= 0 && this.at <= at;
    // The project's engines may hold pooled connections to the database about to be replaced.
    await this.driver.call('release', {});
    const from = usable ? this.at + 1 : 0;
    if (usable) await this.db.restore!();
    else await this.db.reset();
    this.at = -1; // a restore uses its point up; the checkpoint below takes the next one
    if (from <= at) {
      const result = await this.driver.call('walk', {
        revisions: this.order.slice(from, at + 1).map((revision) => ({ revision, stairway: false })),
        facts: false,
        snapshot: { kind: 'none' },
        initial: false,
        full: [],
        head: false,
      });
      if (result.failure) return false;
    }
    if (this.db.checkpoint) {
      await this.driver.call('release', {});
      await this.db.checkpoint();
      this.at = at;
    }
    return true;
  }
}
