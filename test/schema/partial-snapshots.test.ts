// The walk's partial snapshots (PostgreSQL: roots named by the DDL log; SQLite: tables whose text changed) find
// every leftover a full read finds: one revision per kind of leftover, walked once with partial reads and once
// reading everything each time; the traces must be the same, non-empty, and the head equal to TS's own snapshot.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { provisionPostgresLocal } from '../../src/database/postgres-local.ts';
import type { ThrowawayDatabase } from '../../src/database/provider.ts';
import { provisionSqlite } from '../../src/database/sqlite.ts';
import { Driver } from '../../src/driver/client.ts';
import type { WalkSnapshotSpec } from '../../src/driver/protocol.ts';
import { walkMigrations, walkSnapshotSpec } from '../../src/checks/walk.ts';
import type { RevisionRecord } from '../../src/driver/protocol.ts';
import { describeChange, diffSnapshots } from '../../src/schema/diff.ts';
import { migration, removeAll, writeProject } from '../driver/temp-project.ts';
import { venvPython } from '../support/env.ts';

after(() => removeAll());

/** name → [upgrade lines, downgrade lines]: each downgrade forgets what its name says. */
type Cases = [string, string[], string[]][];

const PG_CASES: Cases = [
  ['base', ["op.execute(\"CREATE TYPE mood AS ENUM ('a', 'b'); CREATE TABLE base (id int PRIMARY KEY, a int, b text, m mood); CREATE TABLE child (id int PRIMARY KEY, base_id int)\")"], ["op.execute('DROP TABLE child; DROP TABLE base; DROP TYPE mood')"]],
  ['enum', ["op.execute(\"CREATE TYPE e1 AS ENUM ('x'); CREATE TABLE t1 (s e1)\")"], ["op.execute('DROP TABLE t1')"]],
  ['sequence', ["op.execute('CREATE SEQUENCE IF NOT EXISTS s2')"], ["op.execute('SELECT 1')"]],
  ['index', ["op.execute('CREATE INDEX IF NOT EXISTS ix3 ON base (a)')"], ["op.execute('SELECT 1')"]],
  ['default', ["op.execute('ALTER TABLE base ALTER a SET DEFAULT 5')"], ["op.execute('SELECT 1')"]],
  ['not-null', ["op.execute('ALTER TABLE base ALTER b SET NOT NULL')"], ["op.execute('SELECT 1')"]],
  ['fk', ["op.execute('ALTER TABLE child ADD CONSTRAINT fk_child_base FOREIGN KEY (base_id) REFERENCES base (id)')"], ["op.execute('SELECT 1')"]],
  ['grant', ["op.execute('GRANT SELECT ON base TO PUBLIC')"], ["op.execute('SELECT 1')"]],
  ['comment', ["op.execute(\"COMMENT ON COLUMN base.a IS 'the a'\")"], ["op.execute('SELECT 1')"]],
  ['function', ["op.execute('CREATE OR REPLACE FUNCTION f9() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$')"], ["op.execute('SELECT 1')"]],
  ['trigger', ["op.execute('CREATE OR REPLACE TRIGGER trg10 BEFORE INSERT ON base FOR EACH ROW EXECUTE FUNCTION f9()')"], ["op.execute('SELECT 1')"]],
  // Not left behind, but changing what other objects say: the columns typed with the enum show the new name.
  ['rename-enum', ["op.execute('ALTER TYPE mood RENAME TO mood2')"], ["op.execute('SELECT 1')"]],
  ['rename-table', ["op.execute('ALTER TABLE base RENAME TO base2')"], ["op.execute('SELECT 1')"]],
  ['drop-index', ["op.execute('DROP INDEX ix3')"], ["op.execute('SELECT 1')"]],
];

const SQLITE_CASES: Cases = [
  ['base', ["op.execute('CREATE TABLE base (id INTEGER PRIMARY KEY, a INTEGER, b TEXT)')", "op.execute('CREATE TABLE child (id INTEGER PRIMARY KEY, base_id INTEGER)')"], ["op.execute('DROP TABLE child')", "op.execute('DROP TABLE base')"]],
  ['enum', ["with op.batch_alter_table('base') as b:", "    b.add_column(sa.Column('m', sa.Enum('x', 'y', name='m_enum', create_constraint=True)))"], ["op.execute('SELECT 1')"]],
  ['index', ["op.execute('CREATE INDEX IF NOT EXISTS ix3 ON base (a)')"], ["op.execute('SELECT 1')"]],
  ['default', ["with op.batch_alter_table('base') as b:", "    b.alter_column('a', server_default='5')"], ["op.execute('SELECT 1')"]],
  ['not-null', ["with op.batch_alter_table('base') as b:", "    b.alter_column('b', existing_type=sa.Text(), nullable=False)"], ["op.execute('SELECT 1')"]],
  ['fk', ["with op.batch_alter_table('child') as b:", "    b.create_foreign_key('fk_child_base', 'base', ['base_id'], ['id'])"], ["op.execute('SELECT 1')"]],
  ['trigger', ["op.execute('CREATE TRIGGER IF NOT EXISTS trg AFTER INSERT ON base BEGIN SELECT 1; END')"], ["op.execute('SELECT 1')"]],
  ['view', ["op.execute('CREATE VIEW IF NOT EXISTS v AS SELECT a FROM base')"], ["op.execute('SELECT 1')"]],
  ['rename-table', ["op.execute('ALTER TABLE child RENAME TO child2')"], ["op.execute('SELECT 1')"]],
  ['drop-index', ["op.execute('DROP INDEX ix3')"], ["op.execute('SELECT 1')"]],
];

function project(cases: Cases): { dir: string; order: string[]; byId: Map<string, RevisionRecord> } {
  const versions: Record<string, string> = {};
  const order: string[] = [];
  const byId = new Map<string, RevisionRecord>();
  cases.forEach(([name, up, down], i) => {
    const id = `r${String(i).padStart(2, '0')}_${name.replace(/-/g, '_')}`;
    versions[`${id}.py`] = migration(id, order.at(-1) ?? null, up, down);
    byId.set(id, { revision: id, downRevisions: order.length ? [order.at(-1)!] : [], dependsOn: [], downgrade: 'ok' } as unknown as RevisionRecord);
    order.push(id);
  });
  return { dir: writeProject({ versions }), order, byId };
}

async function traces(driver: Driver, db: ThrowawayDatabase, p: ReturnType<typeof project>, spec: WalkSnapshotSpec) {
  await db.reset();
  const lines: string[] = [];
  const walk = await walkMigrations(driver, db, {
    order: p.order, byId: p.byId, stairway: new Set(p.order), belowFloor: new Set(), facts: false,
    keepSnapshots: [], snapshots: true, progress: (l) => lines.push(l), snapshotSpec: spec,
  });
  assert.ok(walk.completed, lines.join('\n'));
  const full = await db.snapshot();
  assert.deepEqual(diffSnapshots(walk.head!, full).map(describeChange), [], 'head from the walk = a full snapshot');
  return {
    lines,
    traces: Object.fromEntries(walk.revisions.map((r) => [r.revision, (r.trace ?? []).map(describeChange).sort()])),
  };
}

async function check(dialect: 'postgresql' | 'sqlite', cases: Cases, leftovers: string[]): Promise<void> {
  const p = project(cases);
  const driver = await Driver.start({ python: venvPython(), cwd: p.dir });
  const db = dialect === 'postgresql'
    ? await provisionPostgresLocal({})
    : await provisionSqlite({ sqliteSnapshot: (path) => driver.call('sqlite-snapshot', { path }) });
  try {
    await driver.call('inspect', { projectDir: p.dir, configFile: null, section: 'alembic' });
    await driver.call('configure', { url: db.url, envVars: ['DATABASE_URL'] });
    const spec = walkSnapshotSpec(db);
    const partial = await traces(driver, db, p, spec);
    const reference = await traces(driver, db, p, spec.kind === 'postgresql' ? { kind: 'postgresql', queries: spec.queries } : { kind: 'sqlite', full: true });
    assert.deepEqual(partial.traces, reference.traces);
    for (const name of leftovers) {
      const id = p.order.find((r) => r.endsWith(`_${name.replace(/-/g, '_')}`))!;
      assert.ok(partial.traces[id]!.length > 0, `${dialect}: the ${name} left behind is found: ${JSON.stringify(partial.traces)}`);
    }
    if (dialect === 'postgresql') assert.match(partial.lines.join('\n'), /partial reading \d+ roots; [1-9]\d* in one round trip/, 'the PostgreSQL walk read partially, through the snapshot function');
  } finally {
    await db.dispose();
    await driver.close();
  }
}

test('PostgreSQL: partial snapshots find every leftover a full read finds', async () => {
  await check('postgresql', PG_CASES, ['enum', 'sequence', 'index', 'default', 'not-null', 'fk', 'grant', 'comment', 'function', 'trigger', 'rename-enum', 'rename-table', 'drop-index']);
});

test('SQLite: partial snapshots find every leftover a full read finds', async () => {
  await check('sqlite', SQLITE_CASES, ['enum', 'index', 'default', 'not-null', 'fk', 'trigger', 'view', 'rename-table', 'drop-index']);
});
