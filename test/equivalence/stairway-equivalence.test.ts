// The fast walk (one env.py run) against the reference: every step a separate plain `alembic` command. For each
// project the per-revision verdicts (upgrade failed, downgrade failed, leftover, re-upgrade failed) must be equal.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { provisionPostgresLocal } from '../../src/database/postgres-local.ts';
import type { ThrowawayDatabase } from '../../src/database/provider.ts';
import { provisionSqlite } from '../../src/database/sqlite.ts';
import { urlScheme, withDriver } from '../../src/database/url.ts';
import { Driver } from '../../src/driver/client.ts';
import type { Report } from '../../src/report/model.ts';
import { runCli } from '../support/cli.ts';
import { fixture, repoRoot, venvPython } from '../support/env.ts';
import { migration, removeAll, SYNC_ENV, writeProject } from '../driver/temp-project.ts';
import { nonEmpty, referenceStairway, walkVerdicts } from './reference-stairway.ts';

/** Alembic's template env.py with the common `DATABASE_URL` override, so plain `alembic` reaches the same database. */
const ENV_FROM_DATABASE_URL = SYNC_ENV.replace('config = context.config\n',
  'config = context.config\nimport os\nif os.environ.get("DATABASE_URL"):\n    config.set_main_option("sqlalchemy.url", os.environ["DATABASE_URL"])\n');

let pgDb: ThrowawayDatabase;
let sqliteDb: ThrowawayDatabase;
let driver: Driver;

before(async () => {
  driver = await Driver.start({ python: venvPython(), cwd: repoRoot });
  pgDb = await provisionPostgresLocal({});
  sqliteDb = await provisionSqlite({ sqliteSnapshot: (path) => driver.call('sqlite-snapshot', { path }) });
});
after(async () => {
  await pgDb?.dispose();
  await sqliteDb?.dispose();
  await driver?.close();
  removeAll();
});

async function compare(dir: string, dialect: 'postgresql' | 'sqlite'): Promise<Record<string, string[]>> {
  const run = await runCli(['check', dir, '--database', dialect === 'sqlite' ? 'sqlite' : 'postgres-local', '--python', venvPython(),
    '--format', 'json', '--checks', 'graph,upgrade,stairway']);
  const report = run.report as Report;
  assert.ok(report.revisions.length > 0, run.stderr);
  const order = report.revisions.map((r) => ({ revision: r.revision, down: r.downRevisions[0] ?? 'base' }));
  const db = dialect === 'sqlite' ? sqliteDb : pgDb;
  await db.reset();
  // Plain alembic reaches the throwaway database the way the project's own ini says (its driver kept), and
  // through DATABASE_URL for env.py files that read it: a copy of the project with sqlalchemy.url pointed there.
  const copy = writeProject({ versions: {} });
  cpSync(dir, copy, { recursive: true });
  const ini = join(copy, 'alembic.ini');
  const iniUrl = /^sqlalchemy\.url\s*=\s*(\S+)/m.exec(readFileSync(ini, 'utf8'))?.[1] ?? '';
  const url = withDriver(db.url, urlScheme(iniUrl)?.driver ?? (dialect === 'sqlite' ? null : 'psycopg2'));
  writeFileSync(ini, readFileSync(ini, 'utf8').replace(/^sqlalchemy\.url\s*=.*$/m, `sqlalchemy.url = ${url.replace(/%/g, '%%')}`));
  const reference = nonEmpty(await referenceStairway(copy, db, url, order));
  assert.deepEqual(nonEmpty(walkVerdicts(report)), reference, `fast walk vs separate alembic commands on ${dir}`);
  return reference;
}

test('PostgreSQL fixtures: the walk agrees with separate alembic commands', async () => {
  for (const name of ['healthy', 'enum-left-behind', 'index-left-behind', 'sequence-left-behind', 'fails-halfway-pg']) {
    await compare(fixture(name), 'postgresql');
  }
});

test('SQLite fixtures: the walk agrees with separate alembic commands', async () => {
  for (const name of ['irreversible', 'async-sqlite', 'drift']) await compare(fixture(name), 'sqlite');
});

test('the common enum pattern (created by create_table, dropped with enum.drop in the downgrade) passes, as plain Alembic does', async () => {
  const enumType = 'sa.Enum("draft", "sent", name="state_type")';
  const dir = writeProject({
    env: ENV_FROM_DATABASE_URL,
    versions: {
      'a1_create.py': migration('a1', null, [`op.create_table("invoices", sa.Column("id", sa.Integer, primary_key=True), sa.Column("state", ${enumType}))`],
        ['op.drop_table("invoices")', `${enumType}.drop(op.get_bind(), checkfirst=False)`]),
      'b2_more.py': migration('b2', 'a1', ['op.add_column("invoices", sa.Column("note", sa.Text))'], ['op.drop_column("invoices", "note")']),
    },
  });
  const reference = await compare(dir, 'postgresql');
  assert.deepEqual(reference, {}, 'plain alembic: nothing to report');
});

test('an enum the downgrade leaves behind: the leftover and the failing re-upgrade, as plain Alembic shows', async () => {
  const enumType = 'sa.Enum("draft", "sent", name="state_type")';
  const dir = writeProject({
    env: ENV_FROM_DATABASE_URL,
    versions: {
      'a1_create.py': migration('a1', null, [`op.create_table("invoices", sa.Column("id", sa.Integer, primary_key=True), sa.Column("state", ${enumType}))`],
        ['op.drop_table("invoices")']),
    },
  });
  assert.deepEqual(await compare(dir, 'postgresql'), { a1: ['leftover', 'reup-failed'] });
});

test('a session setting a migration SETs does not leak into the next step, as it cannot across separate commands', async () => {
  const dir = writeProject({
    env: ENV_FROM_DATABASE_URL,
    versions: {
      'a1_create.py': migration('a1', null, ['op.create_table("t1", sa.Column("id", sa.Integer, primary_key=True))',
        'op.execute("SET default_transaction_read_only = on")'], ['op.drop_table("t1")']),
      'b2_more.py': migration('b2', 'a1', ['op.create_table("t2", sa.Column("id", sa.Integer, primary_key=True))'], ['op.drop_table("t2")']),
    },
  });
  assert.deepEqual(await compare(dir, 'postgresql'), {}, 'plain alembic: every step runs');
});

test('a setting changed through set_config() on the bound connection does not leak into the next step either', async () => {
  // The walk reads the session again only after a statement able to change it: set_config() counts, in any statement.
  const dir = writeProject({
    env: ENV_FROM_DATABASE_URL,
    versions: {
      'a1_create.py': migration('a1', null, ['op.create_table("t1", sa.Column("id", sa.Integer, primary_key=True))',
        'op.get_bind().execute(sa.text("SELECT 1, set_config(\'default_transaction_read_only\', \'on\', false)"))'], ['op.drop_table("t1")']),
      'b2_more.py': migration('b2', 'a1', ['op.create_table("t2", sa.Column("id", sa.Integer, primary_key=True))'], ['op.drop_table("t2")']),
    },
  });
  assert.deepEqual(await compare(dir, 'postgresql'), {}, 'plain alembic: every step runs');
});

test('a SET behind a comment, and a temporary table made through pg_temp, do not leak into the next step either', async () => {
  // The session is read again only after a statement able to change it: comments are taken out before matching, and
  // pg_temp names a temporary table without TEMP (found by the adversarial review of that gating).
  const behindComment = writeProject({
    env: ENV_FROM_DATABASE_URL,
    versions: {
      'a1_schema.py': migration('a1', null, ['op.execute("CREATE SCHEMA app")'], ['op.execute("DROP SCHEMA app")']),
      'b2_set.py': migration('b2', 'a1', ['op.execute("/* the tables below */ SET search_path TO app, public")', 'op.execute("CREATE TABLE app.t2 (id int primary key)")'],
        ['op.execute("DROP TABLE app.t2")']),
      'c3_ref.py': migration('c3', 'b2', ['op.execute("CREATE TABLE public.t3 (id int primary key, t2_id int REFERENCES t2 (id))")'], ['op.execute("DROP TABLE public.t3")']),
    },
  });
  assert.deepEqual(await compare(behindComment, 'postgresql'), { c3: ['up-failed'] }, 'plain alembic: c3 cannot see app.t2 unqualified');
  const pgTemp = writeProject({
    env: ENV_FROM_DATABASE_URL,
    versions: {
      'a1_t1.py': migration('a1', null, ['op.create_table("t1", sa.Column("id", sa.Integer, primary_key=True))', 'op.execute("CREATE TABLE pg_temp.scratch (id int)")'], ['op.drop_table("t1")']),
      'b2_t2.py': migration('b2', 'a1', ['op.create_table("t2", sa.Column("id", sa.Integer, primary_key=True))', 'op.execute("CREATE TABLE pg_temp.scratch (id int)")'], ['op.drop_table("t2")']),
    },
  });
  assert.deepEqual(await compare(pgTemp, 'postgresql'), {}, 'plain alembic: every step runs');
});

test('a temporary table a data migration makes does not outlive its step, on either dialect', async () => {
  for (const dialect of ['postgresql', 'sqlite'] as const) {
    const dir = writeProject({
      env: ENV_FROM_DATABASE_URL,
      versions: {
        'a1_create.py': migration('a1', null, ['op.create_table("t", sa.Column("id", sa.Integer, primary_key=True))',
          'op.execute("INSERT INTO t (id) VALUES (1)")'], ['op.drop_table("t")']),
        'b2_backfill.py': migration('b2', 'a1', ['op.add_column("t", sa.Column("code", sa.Integer))',
          'op.execute("CREATE TEMP TABLE tmp_map AS SELECT 1 AS id, 2 AS code")',
          'op.execute("UPDATE t SET code = (SELECT code FROM tmp_map WHERE tmp_map.id = t.id)")'],
        dialect === 'sqlite' ? ['with op.batch_alter_table("t") as b:', '    b.drop_column("code")'] : ['op.drop_column("t", "code")']),
      },
    });
    assert.deepEqual(await compare(dir, dialect), {}, `plain alembic on ${dialect}: every step runs`);
  }
});

test('SQLite: a PRAGMA a migration sets does not leak into the next step (foreign keys back on for the downgrade)', async () => {
  const env = ENV_FROM_DATABASE_URL.replace('from alembic import context',
    'from alembic import context\nfrom sqlalchemy import event\nfrom sqlalchemy.engine import Engine\n\n\n'
    + '@event.listens_for(Engine, "connect")\ndef _fk_on(dbapi_connection, record):\n    dbapi_connection.execute("PRAGMA foreign_keys=ON")\n');
  const dir = writeProject({
    env,
    versions: {
      'h1_seed.py': migration('h1', null, [
        'op.create_table("parent", sa.Column("id", sa.Integer, primary_key=True))',
        'op.create_table("child", sa.Column("id", sa.Integer, primary_key=True), sa.Column("parent_id", sa.Integer, sa.ForeignKey("parent.id")))',
        'op.execute("INSERT INTO parent (id) VALUES (1)")', 'op.execute("INSERT INTO child (id, parent_id) VALUES (1, 1)")'],
      ['op.drop_table("child")', 'op.drop_table("parent")']),
      'h2_flag.py': migration('h2', 'h1', ['op.execute("PRAGMA foreign_keys=OFF")',
        'with op.batch_alter_table("parent") as b:', '    b.add_column(sa.Column("flag", sa.Boolean))'],
      ['with op.batch_alter_table("parent") as b:', '    b.drop_column("flag")']),
    },
  });
  // Plain `alembic downgrade h1` runs with foreign keys on: the batch copy's DROP TABLE parent fails.
  assert.deepEqual(await compare(dir, 'sqlite'), { h2: ['down-failed'] });
});

test('PostgreSQL: a column grant or statistics target the downgrade leaves is a leftover, as pg_dump shows it', async () => {
  const dir = writeProject({
    env: ENV_FROM_DATABASE_URL,
    versions: {
      'a1_create.py': migration('a1', null, ['op.create_table("t", sa.Column("a", sa.Integer, primary_key=True), sa.Column("b", sa.Text))',
        'op.execute("DO $$ BEGIN CREATE ROLE preflight_rdr; EXCEPTION WHEN duplicate_object THEN NULL; END $$")'], ['op.drop_table("t")']),
      'b2_grant.py': migration('b2', 'a1', ['op.execute("GRANT SELECT (b) ON t TO preflight_rdr")'], []),
      'c3_stats.py': migration('c3', 'b2', ['op.execute("ALTER TABLE t ALTER COLUMN b SET STATISTICS 500")'], []),
    },
  });
  assert.deepEqual(await compare(dir, 'postgresql'), { b2: ['leftover'], c3: ['leftover'] });
});
