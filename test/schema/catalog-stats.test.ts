// Catalog statistics on a new database (issue 13, "a fresh cluster walks 2-4x slower"): our servers run with
// autovacuum off, so the catalogs of the walk's database keep the statistics of an empty one and the snapshot reads'
// plans go stale as the history grows. The walk analyses the catalogs as it goes (snapshots_pg_stats.py), and the
// snapshot function never JIT-compiles (a server's default jit = on compiles each read once estimates run high).
// Proved on the database itself: pg_class's own reltuples after the walk is what it holds, not the template's count.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import { walkMigrations, walkSnapshotSpec } from '../../src/checks/walk.ts';
import { provisionPostgresLocal } from '../../src/database/postgres-local.ts';
import { Driver } from '../../src/driver/client.ts';
import type { RevisionRecord } from '../../src/driver/protocol.ts';
import { migration, removeAll, writeProject } from '../driver/temp-project.ts';
import { venvPython } from '../support/env.ts';

after(() => removeAll());

// 34 revisions: 69 snapshots, so the last analysis (the 64th) comes near the end; each adds a table and its key.
const REVISIONS = 34;

test('PostgreSQL walk: the catalogs are analysed as the schema grows, and snapshot reads never use JIT', async () => {
  const versions: Record<string, string> = {};
  const order: string[] = [];
  const byId = new Map<string, RevisionRecord>();
  for (let i = 0; i < REVISIONS; i++) {
    const id = `r${String(i).padStart(3, '0')}`;
    versions[`${id}.py`] = migration(id, order.at(-1) ?? null,
      [`op.execute('CREATE TABLE t${i} (id int PRIMARY KEY, a text, b int)')`], [`op.execute('DROP TABLE t${i}')`]);
    byId.set(id, { revision: id, downRevisions: order.length ? [order.at(-1)!] : [], dependsOn: [], downgrade: 'ok' } as unknown as RevisionRecord);
    order.push(id);
  }
  const dir = writeProject({ versions });
  const driver = await Driver.start({ python: venvPython(), cwd: dir });
  const db = await provisionPostgresLocal({});
  const client = new pg.Client({ connectionString: db.url });
  try {
    await driver.call('inspect', { projectDir: dir, configFile: null, section: 'alembic' });
    await driver.call('configure', { url: db.url, envVars: ['DATABASE_URL'] });
    const lines: string[] = [];
    const walk = await walkMigrations(driver, db, {
      order, byId, stairway: new Set(order), belowFloor: new Set(), facts: false, keepSnapshots: [], snapshots: true,
      progress: (l) => lines.push(l), snapshotSpec: walkSnapshotSpec(db),
    });
    assert.ok(walk.completed, lines.join('\n'));
    assert.match(lines.join('\n'), /catalogs analysed [1-9]\d* times/, 'the walk says it analysed the catalogs');
    await client.connect();
    const { rows: [stats] } = await client.query(
      "SELECT (SELECT reltuples FROM pg_class WHERE oid = 'pg_class'::regclass)::float AS estimated, count(*)::float AS actual FROM pg_class");
    // Without the analysis reltuples is the template's count, short by the 2 x 34 relations the history made.
    assert.ok(stats.estimated >= 0.95 * stats.actual,
      `pg_class is estimated at ${stats.estimated} rows and holds ${stats.actual}: its statistics are the template's`);
    const { rows } = await client.query(
      "SELECT p.proconfig FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'pg_preflight' AND p.proname LIKE 'take_%'");
    assert.ok(rows.length > 0, 'the snapshot function was made');
    for (const r of rows) assert.ok((r.proconfig as string[]).includes('jit=off'), `the snapshot function runs without JIT: ${r.proconfig}`);
  } finally {
    await client.end().catch(() => undefined);
    await db.dispose();
    await driver.close();
  }
});
