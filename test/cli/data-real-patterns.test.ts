// The data check on two patterns real projects have (seen in the corpus: optuna, zenml), each verdict proven with
// plain Alembic and sqlite3:
// - a migration whose own Python code parses the values (json.loads): on generated rows it raises, but what the
//   application writes is unknown, so the revision is "not checked on rows" (a notice), not an error;
// - SQLite batch mode on a table other rows reference, with PRAGMA foreign_keys=ON in env.py: the batch's DROP TABLE
//   fails on any referencing row. A real failure (an error), with the hint that says why.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { check, runCli } from '../support/cli.ts';
import { fixture, venvPython } from '../support/env.ts';

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'preflight-data-real-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

/** The healthy fixture plus revisions after its head (ce5aaaef5033); env.py edited by `env`. */
function project(name: string, revisions: [string, string, string][], env?: (text: string) => string): string {
  const dir = join(work, name);
  cpSync(fixture('healthy'), dir, { recursive: true });
  const versions = join(dir, 'migrations', 'versions');
  let down = 'ce5aaaef5033';
  for (const [rev, up, downBody] of revisions) {
    writeFileSync(join(versions, `${rev}_x.py`),
      `"""x\n\nRevision ID: ${rev}\nRevises: ${down}\n"""\nimport json\n\nfrom alembic import op\nimport sqlalchemy as sa\n\n` +
      `revision = '${rev}'\ndown_revision = '${down}'\nbranch_labels = None\ndepends_on = None\n\n\n` +
      `def upgrade():\n${up}\n\n\ndef downgrade():\n${downBody}\n`);
    down = rev;
  }
  if (env) {
    const file = join(dir, 'migrations', 'env.py');
    writeFileSync(file, env(readFileSync(file, 'utf8')));
  }
  return dir;
}

function alembic(dir: string, url: string, ...args: string[]) {
  const run = spawnSync(join(dirname(venvPython()), 'alembic'), args, { cwd: dir, encoding: 'utf8', env: { ...process.env, DATABASE_URL: url } });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
}

function sqlite3(file: string, sql: string): void {
  const run = spawnSync('sqlite3', [file, sql], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
}

async function dataRun(dir: string) {
  const run = await runCli(['check', dir, '--database', 'sqlite', '--python', venvPython(), '--checks', 'upgrade,stairway,data', '--format', 'json']);
  assert.ok(run.report, run.stderr);
  return run;
}

test('a migration that parses the values in Python (json.loads): "not checked on rows" (notice), not an error; plain Alembic fails only on values the app may never write', async () => {
  const dir = project('parses-json', [
    ['bbbb00000001', "    op.create_table('prefs', sa.Column('id', sa.Integer(), primary_key=True), sa.Column('payload', sa.Text(), nullable=False))",
      "    op.drop_table('prefs')"],
    ['bbbb00000002', [
      "    op.add_column('prefs', sa.Column('theme', sa.String(20), nullable=True))",
      "    conn = op.get_bind()",
      "    for row_id, payload in conn.execute(sa.text('SELECT id, payload FROM prefs')).fetchall():",
      "        theme = json.loads(payload).get('theme', 'light')",
      "        conn.execute(sa.text('UPDATE prefs SET theme = :t WHERE id = :i'), {'t': theme, 'i': row_id})",
    ].join('\n'), "    with op.batch_alter_table('prefs') as b:\n        b.drop_column('theme')"],
  ]);
  const run = await dataRun(dir);
  assert.equal(run.code, 0, run.stderr.slice(-2000));
  const data = check(run.report!, 'data');
  assert.equal(data.status, 'passed');
  assert.deepEqual(data.findings.map((f) => [f.code, f.severity, f.revision]), [['data/not-checked', 'notice', 'bbbb00000002']]);
  assert.match(data.findings[0]!.message, /raised JSONDecodeError: .* in its own Python code on the generated rows \(it passes on empty tables\)/);
  assert.match(data.findings[0]!.hint ?? '', /\[tool\.alembic-preflight\.data\]/);
  assert.equal(check(run.report!, 'stairway').status, 'passed');

  // Plain Alembic: the upgrade passes on what such an application writes (JSON) and fails on text that is not JSON.
  for (const [payload, passes] of [['{"theme": "dark"}', true], ['not json', false]] as const) {
    const db = join(work, `json-${passes}.db`);
    assert.equal(alembic(dir, `sqlite:///${db}`, 'upgrade', 'bbbb00000001').code, 0);
    sqlite3(db, `INSERT INTO prefs (payload) VALUES ('${payload}')`);
    const up = alembic(dir, `sqlite:///${db}`, 'upgrade', 'head');
    assert.equal(up.code === 0, passes, up.out.slice(-1500));
    if (!passes) assert.match(up.out, /JSONDecodeError/);
  }
});

test('SQLite batch mode on a referenced table with PRAGMA foreign_keys=ON: an error on rows, with the hint; plain Alembic fails the same way once a row references it', async () => {
  const pragma = (text: string) => text.replace('from alembic import context',
    'from alembic import context\nfrom sqlalchemy import event\nfrom sqlalchemy.engine import Engine\n\n\n' +
    '@event.listens_for(Engine, "connect")\ndef _foreign_keys_on(dbapi_connection, record):\n' +
    '    if type(dbapi_connection).__module__.startswith("sqlite3"):\n        dbapi_connection.execute("PRAGMA foreign_keys=ON")\n');
  const dir = project('batch-fk', [
    ['cccc00000001', [
      "    op.create_table('teams', sa.Column('id', sa.Integer(), primary_key=True), sa.Column('name', sa.String(40), nullable=True))",
      "    op.create_table('members', sa.Column('id', sa.Integer(), primary_key=True), sa.Column('team_id', sa.Integer(), sa.ForeignKey('teams.id'), nullable=False))",
    ].join('\n'), "    op.drop_table('members')\n    op.drop_table('teams')"],
    ['cccc00000002', [
      // The three-step practice done right (backfill, then NOT NULL), but batch mode recreates teams.
      "    op.execute(\"UPDATE teams SET name = 'team' WHERE name IS NULL\")",
      "    with op.batch_alter_table('teams') as b:\n        b.alter_column('name', existing_type=sa.String(40), nullable=False)",
    ].join('\n'), "    with op.batch_alter_table('teams') as b:\n        b.alter_column('name', existing_type=sa.String(40), nullable=True)"],
  ], pragma);
  const run = await dataRun(dir);
  assert.equal(run.code, 1, run.stderr.slice(-2000));
  const data = check(run.report!, 'data');
  // (The healthy revisions' batch operations on users and posts, with posts referencing users ON DELETE CASCADE,
  // lose rows on rollback under this env.py: warnings, not compared here.)
  const errors = data.findings.filter((x) => x.severity === 'error');
  assert.deepEqual(errors.map((x) => [x.code, x.revision]), [['data/upgrade-fails-on-rows', 'cccc00000002']]);
  const f = errors[0]!;
  assert.match(f.message, /FOREIGN KEY constraint failed/);
  assert.match(f.hint ?? '', /batch mode copies the table and drops the old one; with PRAGMA foreign_keys=ON/);
  assert.equal(check(run.report!, 'stairway').status, 'passed', 'on empty tables the batch passes');

  // Plain Alembic: passes on empty tables, fails once a member references a team.
  const empty = join(work, 'fk-empty.db');
  assert.equal(alembic(dir, `sqlite:///${empty}`, 'upgrade', 'head').code, 0);
  const rows = join(work, 'fk-rows.db');
  assert.equal(alembic(dir, `sqlite:///${rows}`, 'upgrade', 'cccc00000001').code, 0);
  sqlite3(rows, "INSERT INTO teams (id, name) VALUES (1, 'a'); INSERT INTO members (id, team_id) VALUES (1, 1);");
  const up = alembic(dir, `sqlite:///${rows}`, 'upgrade', 'head');
  assert.notEqual(up.code, 0);
  assert.match(up.out, /FOREIGN KEY constraint failed[\s\S]*DROP TABLE teams/);
});

// fittrackee renames a table by create + copy + drop: the dropped child of a table the revision names was still read
// as a referencing child ("relation activities does not exist"), and the data check stopped there.
test('a revision that drops a child table while naming its parent (rename by create, copy, drop) is walked with rows on', async () => {
  const dir = project('drop-child', [
    ['dddd00000001', "    op.create_table('activities', sa.Column('id', sa.Integer(), primary_key=True), sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False))",
      "    op.drop_table('activities')"],
    ['dddd00000002', [
      "    op.create_table('workouts', sa.Column('id', sa.Integer(), primary_key=True), sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False))",
      "    op.execute('INSERT INTO workouts (id, user_id) SELECT id, user_id FROM activities')",
      "    op.drop_table('activities')",
    ].join('\n'), [
      "    op.create_table('activities', sa.Column('id', sa.Integer(), primary_key=True), sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False))",
      "    op.execute('INSERT INTO activities (id, user_id) SELECT id, user_id FROM workouts')",
      "    op.drop_table('workouts')",
    ].join('\n')],
    ['dddd00000003', "    op.add_column('workouts', sa.Column('title', sa.String(40), nullable=True))",
      "    with op.batch_alter_table('workouts') as b:\n        b.drop_column('title')"],
  ]);
  const run = await dataRun(dir);
  const data = check(run.report!, 'data');
  assert.deepEqual(data.findings.filter((f) => f.code === 'data/not-checked').map((f) => f.message), []);
  assert.match(data.reason ?? '', /^9 revisions walked with rows/);
});

// A migration that runs SQL through the driver's own cursor (op.get_bind().connection.cursor(), execute_values,
// copy_expert): the database's error is not wrapped by SQLAlchemy, and it was taken for the migration's own Python
// failure (a notice): a false pass. It is the database's error, on rows: an error, as plain Alembic fails.
test('a raw DBAPI cursor failing on rows is the database\'s error (data/upgrade-fails-on-rows), on SQLite and PostgreSQL', async () => {
  const dir = project('raw-cursor', [
    ['eeee00000001', [
      '    cur = op.get_bind().connection.cursor()',
      "    cur.execute('ALTER TABLE users ADD COLUMN score integer NOT NULL')",
    ].join('\n'), "    with op.batch_alter_table('users') as b:\n        b.drop_column('score')"],
  ]);
  for (const database of ['sqlite', 'postgres-local']) {
    const run = await runCli(['check', dir, '--database', database, '--python', venvPython(), '--checks', 'upgrade,stairway,data', '--format', 'json']);
    assert.ok(run.report, run.stderr);
    assert.equal(run.code, 1, `${database}: ${run.stderr.slice(-1500)}`);
    const data = check(run.report, 'data');
    assert.deepEqual(data.findings.map((f) => [f.code, f.severity, f.revision]), [['data/upgrade-fails-on-rows', 'error', 'eeee00000001']], database);
    assert.match(data.findings[0]!.message, database === 'sqlite' ? /Cannot add a NOT NULL column/ : /NotNullViolation: column "score" of relation "users" contains null values/);
  }
});
