// The linear walk: the stairway and the round trip in three passes over the history instead of five, the same
// migrations the three plain commands run (`upgrade head && downgrade base && upgrade head`).
//   1. Up, one revision at a time as the walk always goes (walk.ts), with a snapshot digest after each.
//   2. `alembic downgrade base` as the plain command runs it, a snapshot after each step compared with the digest the
//      first pass saw before that revision's upgrade (preflight_driver/walk_down.py): each revision's downgrade is
//      shown to undo exactly its upgrade, and the round trip's way down to leave nothing.
//   3. `alembic upgrade head` as the plain command runs it, its schema compared with the first pass's head.
// Only a history on which all of that holds, on empty tables, is judged here (every verdict a pass). The first anomaly
// (a failed step, a digest that differs, a head that differs, a migration that wrote rows) sends the run back to a clean database and the revision-by-revision
// walk and round trip, which name the revision and what it left, so verdicts on a broken history are theirs.
// Used on PostgreSQL when the stairway covers every revision of one line of history and the round trip is asked for.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ThrowawayDatabase } from '../database/provider.ts';
import type { Driver } from '../driver/client.ts';
import { DriverError } from '../driver/client.ts';
import type { RowWrites } from '../driver/protocol.ts';
import type { CheckResult } from '../report/model.ts';
import { diffSnapshots } from '../schema/diff.ts';
import { isIrreversible, walkMigrations, walkSnapshotSpec, type WalkOptions, type WalkResult } from './walk.ts';

export interface LinearWalk {
  walk: WalkResult;
  roundtrip: CheckResult;
}

/** Whether the linear walk can stand for the stairway and the round trip: both asked for, the stairway on every
 * revision, PostgreSQL, no rows (the data check walks revision by revision), no floor, nothing irreversible, one line of
 * history (each revision the only child of the one before it, one head), where `downgrade base` goes down the walk's
 * order exactly in reverse. */
/** Source text that may put rows in a table (an INSERT or COPY in SQL, bulk_insert, an ORM session, a sequence set,
 * CREATE TABLE AS, a DO block or a procedure), or run schema changes at import (module-level `.create(`): such a
 * history walks revision by revision from the start. Deciding up front keeps the first pass from running (and from
 * running the migrations' import-time code once more in the driver) on histories that would fall back anyway;
 * row_writes.py stays the check at run time. */
const MAY_WRITE_ROWS = /insert\b|\bcopy\s+\w|\.add(_all)?\(|\bsession\b|setval|\bmerge\b|\bupsert\b|\bas\s+select\b|\binto\s+temp|\bdo\s+\$|\bcall\s+\w|^[\w.]+\.create\(/im;

export function sourceMayWriteRows(text: string): boolean {
  return MAY_WRITE_ROWS.test(text);
}

export function linearApplies(opts: WalkOptions & { roundtrip: boolean; heads: string[]; dialect: 'postgresql' | 'sqlite'; projectDir: string }): boolean {
  const { order, byId } = opts;
  // Not on SQLite: batch mode's copies rewrite a table's declared text, so its digests differ where its storage does
  // not (the stairway then compares storage), and most SQLite histories would fall back after two wasted passes.
  if (opts.dialect !== 'postgresql') return false;
  if (!opts.roundtrip || opts.data || !opts.snapshots || opts.belowFloor.size > 0 || order.length === 0) return false;
  if (opts.heads.length !== 1 || opts.heads[0] !== order.at(-1)) return false;
  const linear = order.every((id, i) => {
    const r = byId.get(id);
    if (!r || !opts.stairway.has(id) || isIrreversible(r) || r.dependsOn.length > 0) return false;
    return i === 0 ? r.downRevisions.length === 0 : r.downRevisions.length === 1 && r.downRevisions[0] === order[i - 1];
  });
  return linear && order.every((id) => {
    const path = join(opts.projectDir, byId.get(id)!.file);
    return existsSync(path) && !sourceMayWriteRows(readFileSync(path, 'utf8'));
  });
}

function describeRowWrites(w: RowWrites, step: string): string {
  if (w.revision === null) return `table ${w.table} holds rows at head`;
  const sql = w.statement?.replace(/\s+/g, ' ').trim() ?? '';
  return `the ${step} of ${w.revision} wrote rows (${sql.length > 80 ? `${sql.slice(0, 77)}...` : sql})`;
}

/** The three passes; null when one found something (the database is then reset for the revision-by-revision walk). */
export async function runLinearWalk(driver: Driver, db: ThrowawayDatabase, opts: WalkOptions): Promise<LinearWalk | null> {
  const log = opts.progress ?? (() => undefined);
  const fallBack = async (why: string): Promise<null> => {
    log(`linear walk: ${why}; walking revision by revision from a new database instead`);
    await driver.call('release', {});
    await db.reset();
    return null;
  };
  const up = await walkMigrations(driver, db, { ...opts, stairway: new Set(), digests: true });
  const digests = up.digests!;
  if (up.rowWrites) return fallBack(`${describeRowWrites(up.rowWrites, 'upgrade')} (it checks empty tables only)`);
  if (!up.completed || !up.head || up.initialDigest === undefined || opts.order.some((id) => !digests.has(id))) {
    return fallBack('the upgrade to head did not complete');
  }
  const started = Date.now();
  const expected = Object.fromEntries(opts.order.map((id, i) => [id, i === 0 ? up.initialDigest! : digests.get(opts.order[i - 1]!)!]));
  log('round trip and stairway: downgrade base, each revision\'s schema compared with the one before its upgrade');
  let down;
  try {
    down = await driver.call('walk-down', { target: 'base', expected, snapshot: opts.snapshotSpec ?? walkSnapshotSpec(db) });
  } catch (error) {
    if (!(error instanceof DriverError)) throw error;
    return fallBack(`downgrade base failed (${error.payload.message.split('\n')[0]})`);
  }
  const t = down.timings;
  const reads = down.snapshotReads;
  log(`walk down: ${(t.totalMs / 1000).toFixed(2)} s: downgrades ${(t.downMs / 1000).toFixed(2)} s, ${t.snapshots} snapshots ${(t.snapshotMs / 1000).toFixed(2)} s` +
    (reads ? ` (${reads.full} full, ${reads.partial} partial reading ${reads.roots} roots${reads.oneTrip ? `; ${reads.oneTrip} in one round trip` : ''})` : ''));
  if (down.rowWrites) return fallBack(`${describeRowWrites(down.rowWrites, 'downgrade')} (it checks empty tables only)`);
  if (down.mismatch) return fallBack(`the schema after the downgrade of ${down.mismatch} is not the one before its upgrade`);
  if (down.failure) return fallBack(`the downgrade of ${down.failure.revision} failed`);
  if (down.done.length !== opts.order.length) return fallBack(`downgrade base went through ${down.done.length} of ${opts.order.length} revisions`);
  log('round trip: upgrade head');
  try {
    await driver.call('upgrade', { target: 'head', trace: false, facts: false });
  } catch (error) {
    if (!(error instanceof DriverError)) throw error;
    return fallBack('upgrade head after downgrade base failed');
  }
  const again = await db.snapshot();
  if (diffSnapshots(up.head, again, { compare: 'storage' }).length) return fallBack('the schema after upgrade head differs from the first upgrade\'s');
  return {
    walk: { ...up, revisions: up.revisions.map((r) => ({ ...r, stairway: 'checked' as const })) },
    roundtrip: { id: 'roundtrip', status: 'passed', durationMs: Date.now() - started, findings: [] },
  };
}
