// SQLite batch mode copies a table through reflection, which rewrites declared types (`UUID` → `NUMERIC`) and
// default text (`(x)` → `((x))`) without changing what SQLite stores. Plain Alembic and `alembic check` see nothing
// to undo; the stairway must agree, while a real leftover on the same table is still found.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { check, runCli } from '../support/cli.ts';
import { venvPython } from '../support/env.ts';
import { migration, removeAll, writeProject } from '../driver/temp-project.ts';

after(removeAll);

const create = migration('a1', null, [
  'op.create_table("items", sa.Column("id", sa.Integer, primary_key=True), sa.Column("token", sa.UUID()),',
  '    sa.Column("qty", sa.Integer, server_default=sa.text("(1 + 1)")))',
], ['op.drop_table("items")']);

function project(downgrade: string[]): string {
  return writeProject({
    versions: {
      'a1_create.py': create,
      'b2_flag.py': migration('b2', 'a1', [
        'with op.batch_alter_table("items") as batch_op:',
        '    batch_op.add_column(sa.Column("flag", sa.Boolean, nullable=True))',
      ], downgrade),
    },
  });
}

function sqliteMaster(dir: string): string {
  return execFileSync(venvPython(), ['-c', 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select sql from sqlite_master where name=\'items\'").fetchone()[0])', `${dir}/preflight.db`], { encoding: 'utf8' });
}

test('plain Alembic: the batch downgrade rewrites the declared type and default text, nothing else', () => {
  const dir = project(['with op.batch_alter_table("items") as batch_op:', '    batch_op.drop_column("flag")']);
  const ini = join(dir, 'alembic.ini');
  writeFileSync(ini, readFileSync(ini, 'utf8').replace(/^sqlalchemy\.url = .*$/m, `sqlalchemy.url = sqlite:///${dir}/preflight.db`));
  const alembic = (...args: string[]) => execFileSync(venvPython(), ['-m', 'alembic', ...args], { cwd: dir, stdio: 'pipe' });
  alembic('upgrade', 'a1');
  const before = sqliteMaster(dir);
  alembic('upgrade', 'b2');
  alembic('downgrade', 'a1');
  const afterDown = sqliteMaster(dir);
  assert.notEqual(before, afterDown, 'batch mode rewrote the CREATE TABLE text');
  assert.match(before, /token UUID/);
  assert.doesNotMatch(afterDown, /flag/);
});

test('the stairway passes a batch downgrade that only rewrites declared text', async () => {
  const dir = project(['with op.batch_alter_table("items") as batch_op:', '    batch_op.drop_column("flag")']);
  const run = await runCli(['check', dir, '--database', 'sqlite', '--python', venvPython(), '--format', 'json', '--checks', 'graph,upgrade,stairway,roundtrip']);
  assert.equal(run.code, 0, JSON.stringify(run.report?.checks, null, 1));
  assert.deepEqual(check(run.report!, 'stairway').findings, []);
});

test('a batch downgrade that forgets the column is still caught', async () => {
  const dir = project(['with op.batch_alter_table("items") as batch_op:', '    batch_op.alter_column("flag", nullable=True)']);
  const run = await runCli(['check', dir, '--database', 'sqlite', '--python', venvPython(), '--format', 'json', '--checks', 'graph,upgrade,stairway']);
  assert.equal(run.code, 1);
  const f = check(run.report!, 'stairway').findings.find((x) => x.code === 'stairway/downgrade-leaves-trace');
  assert.ok(f?.details?.some((d) => /\+ column .*items\.flag/.test(d)), JSON.stringify(check(run.report!, 'stairway').findings));
  assert.ok(!f!.details!.some((d) => /token|qty/.test(d)), f!.details!.join('\n'));
});

test('a type change the downgrade does not undo (DateTime → Date, String(50) → String(255)) is still a leftover', async () => {
  const dir = writeProject({
    versions: {
      'a1_create.py': migration('a1', null, ['op.create_table("items", sa.Column("id", sa.Integer, primary_key=True), sa.Column("created", sa.DateTime), sa.Column("name", sa.String(50)))'],
        ['op.drop_table("items")']),
      'b2_types.py': migration('b2', 'a1', ['with op.batch_alter_table("items") as batch_op:',
        '    batch_op.alter_column("created", type_=sa.Date)', '    batch_op.alter_column("name", type_=sa.String(255))'], []),
    },
  });
  const run = await runCli(['check', dir, '--database', 'sqlite', '--python', venvPython(), '--format', 'json', '--checks', 'graph,upgrade,stairway']);
  const f = check(run.report!, 'stairway').findings.find((x) => x.code === 'stairway/downgrade-leaves-trace' && x.revision === 'b2');
  assert.ok(f?.details?.some((d) => /items\.created.*DATETIME.*DATE/i.test(d)), JSON.stringify(check(run.report!, 'stairway').findings, null, 1));
  assert.ok(f!.details!.some((d) => /items\.name.*VARCHAR\(50\).*VARCHAR\(255\)/i.test(d)));
});
