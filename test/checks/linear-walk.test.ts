// The linear walk (issue 13: three passes for stairway + round trip, src/checks/linear-walk.ts) must give the
// verdicts of the revision-by-revision walk and round trip: on a clean history it runs and passes (as plain alembic
// does); on every kind of anomaly it hands over to the revision-by-revision walk, whose findings are the same as
// with `--checks graph,upgrade,stairway`. Cases the three passes alone would pass falsely are here: a downgrade that
// leaves a row behind (the re-upgrade right after it fails), written through op.execute and through a raw DBAPI
// cursor; a leftover a later downgrade removes; `upgrade head` failing in one transaction. Sources that show an
// INSERT (and the like) walk revision by revision from the start; the run-time net (row_writes.py) is tested with SQL
// the source scan cannot see ("INS" + "ERT").
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { Report } from '../../src/report/model.ts';
import { runCli } from '../support/cli.ts';
import { venvPython } from '../support/env.ts';
import { migration, removeAll, writeProject } from '../driver/temp-project.ts';

after(() => removeAll());

type Dialect = 'postgresql' | 'sqlite';

async function check(dir: string, dialect: Dialect, checks: string) {
  const run = await runCli(['check', dir, '--database', dialect === 'sqlite' ? 'sqlite' : 'postgres-local', '--python', venvPython(),
    '--format', 'json', '--checks', checks]);
  const report = run.report as Report;
  assert.ok(report?.checks, `no report: ${run.stderr}`);
  const findings = (id: string) => report.checks.find((c) => c.id === id)?.findings.map((f) => `${f.code} ${f.revision ?? ''}`.trim()).sort() ?? [];
  return { run, report, stairway: findings('stairway'), roundtrip: findings('roundtrip'), upgrade: findings('upgrade') };
}

/** The full check (linear when it applies) against the stairway alone (always revision by revision). */
async function compare(dir: string, dialect: Dialect) {
  const full = await check(dir, dialect, 'graph,upgrade,stairway,roundtrip');
  const alone = await check(dir, dialect, 'graph,upgrade,stairway');
  assert.deepEqual(full.stairway, alone.stairway, `stairway verdicts, linear walk vs revision by revision:\n${full.run.stderr}`);
  assert.deepEqual(full.upgrade, alone.upgrade, 'upgrade verdicts');
  return { full, linear: /walk down:/.test(full.run.stderr), fellBack: /linear walk: .*walking revision by revision/.test(full.run.stderr) };
}

const table = (name: string) => `op.create_table("${name}", sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.Integer))`;

function history(middle: { up: string[]; down: string[] }): string {
  return writeProject({
    versions: {
      'r1.py': migration('r1', null, [table('t1')], ['op.drop_table("t1")']),
      'r2.py': migration('r2', 'r1', middle.up, middle.down),
      'r3.py': migration('r3', 'r2', [table('t3')], ['op.drop_table("t3")']),
    },
  });
}

for (const dialect of ['postgresql', 'sqlite'] as const) {
  test(`${dialect}: a clean history takes the three passes and passes, as plain alembic does`, async () => {
    const dir = history({ up: ['op.create_index("ix_t1_a", "t1", ["a"])', 'op.execute("UPDATE t1 SET a = 1 WHERE a IS NULL")'], down: ['op.drop_index("ix_t1_a", "t1")'] });
    const { full, linear, fellBack } = await compare(dir, dialect);
    // SQLite walks revision by revision (batch mode rewrites declared text: digests would differ where storage does not).
    assert.equal(linear && !fellBack, dialect === 'postgresql', `the linear walk ran to the end on PostgreSQL only:\n${full.run.stderr}`);
    assert.deepEqual([full.stairway, full.roundtrip], [[], []]);
    assert.equal(full.report.checks.find((c) => c.id === 'roundtrip')?.status, 'passed');
  });

  test(`${dialect}: a downgrade that leaves an index hands over to the revision-by-revision walk, same findings`, async () => {
    const dir = history({ up: ['op.create_index("ix_t1_a", "t1", ["a"])'], down: ['op.execute("SELECT 1")'] });
    const { full, fellBack } = await compare(dir, dialect);
    assert.equal(fellBack, dialect === 'postgresql', full.run.stderr);
    assert.ok(full.stairway.includes('stairway/downgrade-leaves-trace r2'), JSON.stringify(full.stairway));
  });

  test(`${dialect}: a seed row the downgrade forgets breaks the re-upgrade: found, though the three passes would pass`, async () => {
    // An INSERT in the source: revision by revision from the start (no linear pass).
    const dir = history({ up: ['op.execute("INSERT INTO t1 (id, a) VALUES (1, 1)")'], down: ['op.execute("SELECT 1")'] });
    const { full, linear, fellBack } = await compare(dir, dialect);
    assert.ok(!linear && !fellBack, full.run.stderr);
    assert.ok(full.stairway.includes('stairway/reupgrade-failed r2'), JSON.stringify(full.stairway));
  });

  test(`${dialect}: a seed row the source does not show is caught as it is written (the statement's rowcount)`, async () => {
    const dir = history({ up: [`op.execute("INS" + "ERT INTO t1 (id, a) VALUES (1, 1)")`], down: ['op.execute("SELECT 1")'] });
    const { full, fellBack } = await compare(dir, dialect);
    assert.equal(fellBack, dialect === 'postgresql', full.run.stderr);
    if (dialect === 'postgresql') assert.match(full.run.stderr, /the upgrade of r2 wrote rows/);
    assert.ok(full.stairway.includes('stairway/reupgrade-failed r2'), JSON.stringify(full.stairway));
  });

  test(`${dialect}: a seed row written through a raw DBAPI cursor is found too (the tables at head are read)`, async () => {
    const dir = history({
      up: ['cur = op.get_bind().connection.cursor()', 'cur.execute("INS" + "ERT INTO t1 (id, a) VALUES (1, 1)")', 'cur.close()'],
      down: ['op.execute("SELECT 1")'],
    });
    const { full, fellBack } = await compare(dir, dialect);
    assert.equal(fellBack, dialect === 'postgresql', full.run.stderr);
    assert.ok(full.stairway.includes('stairway/reupgrade-failed r2'), JSON.stringify(full.stairway));
  });
}

test('postgresql: a leftover that a later downgrade removes is still pinned on its revision', async () => {
  // r2's downgrade forgets its index on t1; r1's downgrade drops t1 with it, so `downgrade base` alone ends clean.
  const dir = history({ up: ['op.create_index("ix_t1_a", "t1", ["a"])'], down: ['op.execute("SELECT 1")'] });
  const { full, fellBack } = await compare(dir, 'postgresql');
  assert.ok(fellBack, full.run.stderr);
  assert.match(full.run.stderr, /the schema after the downgrade of r2 is not the one before its upgrade/);
});

test('postgresql: `upgrade head` failing in one transaction (a new enum value used by the next revision) is reported', async () => {
  const dir = writeProject({
    versions: {
      'r1.py': migration('r1', null, ["op.execute(\"CREATE TYPE mood AS ENUM ('a'); CREATE TABLE t (m mood)\")"], ['op.execute("DROP TABLE t; DROP TYPE mood")']),
      'r2.py': migration('r2', 'r1', ["op.execute(\"ALTER TYPE mood ADD VALUE 'b'\")"],
        ["op.execute(\"ALTER TYPE mood RENAME TO mood_old; CREATE TYPE mood AS ENUM ('a'); ALTER TABLE t ALTER COLUMN m TYPE mood USING m::text::mood; DROP TYPE mood_old\")"]),
      'r3.py': migration('r3', 'r2', ["op.execute(\"ALTER TABLE t ALTER COLUMN m SET DEFAULT 'b'\")"], ['op.execute("ALTER TABLE t ALTER COLUMN m DROP DEFAULT")']),
    },
  });
  const { full, fellBack } = await compare(dir, 'postgresql');
  assert.ok(fellBack, full.run.stderr);
  assert.deepEqual(full.stairway, [], 'each revision on its own passes');
  assert.ok(full.roundtrip.some((f) => f.startsWith('roundtrip/upgrade-failed')), JSON.stringify(full.roundtrip));
});

test('postgresql: rows written by the later statement of a multi-statement text are seen (its rowcount is the last one\'s)', async () => {
  // The row is gone by head (r3 drops its table), so only the statement shows it.
  const dir = writeProject({
    versions: {
      'r1.py': migration('r1', null, [table('t1')], ['op.drop_table("t1")']),
      'r2.py': migration('r2', 'r1', ['op.execute("CREATE INDEX ix_t1_a ON t1 (a); INS" + "ERT INTO t1 (id, a) VALUES (1, 1)")'], ['op.execute("DROP INDEX ix_t1_a")']),
      'r3.py': migration('r3', 'r2', ['op.drop_table("t1")'], [table('t1'), 'op.create_index("ix_t1_a", "t1", ["a"])']),
    },
  });
  const { full, fellBack } = await compare(dir, 'postgresql');
  assert.ok(fellBack, full.run.stderr);
  assert.match(full.run.stderr, /the upgrade of r2 wrote rows/);
  assert.ok(full.stairway.includes('stairway/reupgrade-failed r2'), JSON.stringify(full.stairway));
});

test('postgresql: identity and generated columns are not mistaken for CREATE TABLE AS (the linear walk runs)', async () => {
  const dir = history({
    up: ['op.execute("CREATE TABLE t2 (id int GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, x int GENERATED ALWAYS AS (id * 2) STORED)")'],
    down: ['op.execute("DROP TABLE t2")'],
  });
  const { full, linear, fellBack } = await compare(dir, 'postgresql');
  assert.ok(linear && !fellBack, full.run.stderr);
});

test('the source scan: DDL and backfill UPDATEs pass, row-writing or import-time code does not', async () => {
  const { sourceMayWriteRows } = await import('../../src/checks/linear-walk.ts');
  const { generateHistory } = await import('../../bench/generate-history.ts');
  const { readdirSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { dir } = generateHistory(join(writeProject({ versions: {} }), 'bench'), 60, { dialect: 'postgresql' });
  const files = readdirSync(join(dir, 'migrations', 'versions')).filter((f) => f.endsWith('.py'));
  assert.equal(files.length, 60);
  for (const f of files) assert.equal(sourceMayWriteRows(readFileSync(join(dir, 'migrations', 'versions', f), 'utf8')), false, f);
  for (const text of ['op.bulk_insert(t, [{"id": 1}])', 'op.execute("INSERT INTO t VALUES (1)")', 'session.add(User())',
    "op.execute(\"SELECT setval('s', 5)\")", 'op.execute("CREATE TABLE t2 AS SELECT * FROM t")', 'my_enum.create(op.get_bind(), checkfirst=True)',
    'op.execute("DO $$ BEGIN PERFORM 1; END $$")', 'op.execute("COPY t FROM STDIN")']) {
    assert.equal(sourceMayWriteRows(text), true, text);
  }
});
