// The Python driver on real Alembic + real SQLite, with both venvs (latest, and Alembic 1.8 + SQLAlchemy 1.4):
// inspect, graph with broken and duplicate files, traced upgrade/downgrade/step, failure half-way, offline SQL
// split per revision, the connection guard (and proof the other database was never created), sqlite-snapshot.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Driver, DriverError } from '../../src/driver/client.ts';
import type { DriverErrorPayload, ExecutedStatement } from '../../src/driver/protocol.ts';
import { hasOldVenv, venvPython } from '../support/env.ts';
import { ASYNC_ENV, INI, lineOf, migration, removeAll, SYNC_ENV, tempDir, writeProject } from './temp-project.ts';

after(removeAll);

const A1 = migration('a1', null, [
  'op.create_table("users", sa.Column("id", sa.Integer, primary_key=True), sa.Column("email", sa.String(50)))',
  'op.create_index("ix_users_email", "users", ["email"])',
], ['op.drop_index("ix_users_email", "users")', 'op.drop_table("users")'], 'create users');

const B2 = migration('b2', 'a1', [
  'op.add_column("users", sa.Column("age", sa.Integer))',
  'with op.batch_alter_table("users") as batch_op:',
  '    batch_op.alter_column("email", nullable=False)',
  'op.execute("UPDATE users SET age = 1")',
], ['with op.batch_alter_table("users") as batch_op:', '    batch_op.alter_column("email", nullable=True)', 'op.drop_column("users", "age")'], 'add age');

const C3 = migration('c3', 'b2', [
  'op.create_table("t3", sa.Column("id", sa.Integer, primary_key=True))',
  'op.execute("INSERT INTO users (id, email) VALUES (1, \'a\')")',
  'op.execute("INSERT INTO users (id, email) VALUES (2, NULL)")',
], ['raise NotImplementedError("one way")'], 'fails half way');

async function startIn(project: string, which: 'latest' | 'old' = 'latest', logs: string[] = []): Promise<Driver> {
  const driver = await Driver.start({ python: venvPython(which), cwd: project, onLog: (l) => logs.push(l) });
  await driver.call('inspect', { projectDir: project, configFile: null, section: 'alembic' });
  return driver;
}

async function driverError(p: Promise<unknown>): Promise<DriverErrorPayload> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DriverError) return e.payload;
    throw e;
  }
  throw new Error('expected a DriverError');
}

function find(statements: ExecutedStatement[], re: RegExp): ExecutedStatement {
  const s = statements.find((x) => re.test(x.sql));
  assert.ok(s, `no statement matching ${re} in ${statements.map((x) => x.sql).join(' | ')}`);
  return s;
}

for (const which of ['latest', 'old'] as const) {
  describe(`with the ${which} venv`, { skip: which === 'old' && !hasOldVenv() ? 'no .venv-old' : false }, () => {
    const project = writeProject({ versions: { 'a1_users.py': A1, 'b2_age.py': B2, 'c3_fail.py': C3 } });
    const work = tempDir();
    let driver: Driver;
    after(async () => driver?.close());

    test('inspect reads alembic.ini like the CLI and never returns the URL', async () => {
      driver = await Driver.start({ python: venvPython(which), cwd: project });
      const info = await driver.call('inspect', { projectDir: project, configFile: null, section: 'alembic' });
      assert.equal(info.configFile, join(project, 'alembic.ini'));
      assert.equal(info.scriptLocation, join(project, 'migrations'));
      assert.deepEqual(info.versionLocations, [join(project, 'migrations', 'versions')]);
      assert.equal(info.projectUrl, null, 'the driver://user:pass placeholder is not a URL');
      assert.equal(info.asyncEnv, false);
      assert.equal(info.alembic.startsWith(which === 'old' ? '1.8' : '1.'), true);
    });

    test('upgrade traces every statement to its migration file, line and op call', async () => {
      await driver.call('configure', { url: `sqlite:///${join(work, 'up.db')}`, envVars: ['DATABASE_URL'] });
      const r = await driver.call('upgrade', { target: 'b2', trace: true });
      assert.deepEqual(r.steps.map((s) => [s.revision, s.direction]), [['a1', 'up'], ['b2', 'up']]);
      assert.deepEqual(r.current, ['b2']);
      const [a1, b2] = r.steps;
      // The version table's creation and the version row belong to the first step, with no migration file.
      assert.equal(find(a1!.statements, /CREATE TABLE alembic_version/).file, null);
      const createIndex = find(a1!.statements, /CREATE INDEX ix_users_email/);
      assert.deepEqual([createIndex.file, createIndex.line, createIndex.call],
        ['migrations/versions/a1_users.py', lineOf(A1, 'op.create_index'), 'op.create_index']);
      assert.equal(find(a1!.statements, /CREATE TABLE users/).call, 'op.create_table');
      const update = find(b2!.statements, /UPDATE users SET age = 1/);
      assert.deepEqual([update.line, update.call], [lineOf(B2, 'op.execute'), 'op.execute']);
      // SQLite batch mode: move-and-copy statements come from the `with op.batch_alter_table` block.
      const copy = find(b2!.statements, /CREATE TABLE _alembic_tmp_users/);
      assert.deepEqual([copy.line, copy.call], [lineOf(B2, 'op.batch_alter_table'), 'op.batch_alter_table']);
      assert.match(find(b2!.statements, /UPDATE alembic_version/).sql, /b2/);
      for (const s of [...a1!.statements, ...b2!.statements]) assert.ok(s.durationMs >= 0);
    });

    test('sqlite-snapshot describes the migrated file, without alembic_version', async () => {
      const snap = await driver.call('sqlite-snapshot', { path: join(work, 'up.db') });
      assert.equal(snap.dialect, 'sqlite');
      const keys = snap.objects.map((o) => `${o.kind} ${o.key}`);
      assert.deepEqual(keys, [
        'table main.users', 'column main.users.age', 'column main.users.email', 'column main.users.id',
        'index main.users.ix_users_email',
      ]);
      const email = snap.objects.find((o) => o.key === 'main.users.email')!;
      assert.equal(email.props.notnull, true);
      assert.equal(email.props.type, 'VARCHAR(50)');
      assert.equal(snap.objects.find((o) => o.key === 'main.users.id')!.props.pk, 1);
    });

    test('downgrade to base reverses every step, traced', async () => {
      const r = await driver.call('downgrade', { target: 'base', trace: true });
      assert.deepEqual(r.steps.map((s) => [s.revision, s.direction]), [['b2', 'down'], ['a1', 'down']]);
      assert.deepEqual(r.current, []);
      const drop = find(r.steps[1]!.statements, /DROP TABLE users/);
      assert.deepEqual([drop.line, drop.call], [lineOf(A1, 'op.drop_table'), 'op.drop_table']);
      const alter = find(r.steps[0]!.statements, /ALTER TABLE users DROP COLUMN age/);
      assert.equal(alter.call, 'op.drop_column');
    });

    test('a migration failing half-way names the revision, file, line and the database error; steps before it are kept', async () => {
      await driver.call('configure', { url: `sqlite:///${join(work, 'fail.db')}`, envVars: ['DATABASE_URL'] });
      const e = await driverError(driver.call('upgrade', { target: 'head', trace: true }));
      assert.equal(e.kind, 'migration');
      assert.equal(e.revision, 'c3');
      assert.equal(e.file, 'migrations/versions/c3_fail.py');
      assert.equal(e.line, lineOf(C3, 'VALUES (2, NULL)'));
      assert.match(e.message, /NOT NULL constraint failed: users\.email/);
      if (which === 'latest') assert.equal(e.db?.code, 'SQLITE_CONSTRAINT_NOTNULL');
      assert.match(e.db?.statement ?? '', /VALUES \(2, NULL\)/);
      assert.deepEqual(e.steps?.map((s) => s.revision), ['a1', 'b2']);
      assert.deepEqual((await driver.call('current', {})).current, ['b2']);
    });

    test('step applies and reverts exactly one revision', async () => {
      await driver.call('configure', { url: `sqlite:///${join(work, 'step.db')}`, envVars: ['DATABASE_URL'] });
      const up = await driver.call('step', { revision: 'a1', direction: 'up', trace: true });
      assert.deepEqual(up.steps.map((s) => s.revision), ['a1']);
      assert.deepEqual(up.current, ['a1']);
      await driver.call('step', { revision: 'b2', direction: 'up' });
      const down = await driver.call('step', { revision: 'b2', direction: 'down', trace: true });
      assert.deepEqual([down.steps[0]!.direction, down.current], ['down', ['a1']]);
      const e = await driverError(driver.call('step', { revision: 'b2', direction: 'down' }));
      assert.match(e.message, /not a current head/);
      const again = await driverError(driver.call('step', { revision: 'a1', direction: 'up' }));
      assert.match(again.message, /already applied/);
      const early = await driverError(driver.call('step', { revision: 'c3', direction: 'up' }));
      assert.match(early.message, /needs b2 applied first/);
    });

    test('offline SQL is split per revision; a revision that needs a live database is reported and skipped', async () => {
      const up = await driver.call('offline', { direction: 'up', range: 'base:head' });
      assert.deepEqual(up.revisions.map((r) => r.revision), ['a1', 'c3']);
      assert.match(up.revisions[0]!.sql, /CREATE TABLE alembic_version[\s\S]*CREATE TABLE users[\s\S]*CREATE INDEX ix_users_email/);
      assert.doesNotMatch(up.revisions[1]!.sql, /CREATE TABLE users/);
      const stmt = find(up.revisions[1]!.statements, /CREATE TABLE t3/);
      assert.deepEqual([stmt.file, stmt.line, stmt.call], ['migrations/versions/c3_fail.py', lineOf(C3, 'op.create_table'), 'op.create_table']);
      // b2 uses batch mode on SQLite, which cannot run offline: reported with its file, the others keep their SQL.
      assert.equal(up.failures?.length, 1);
      assert.deepEqual([up.failures![0]!.kind, up.failures![0]!.revision, up.failures![0]!.file], ['offline', 'b2', 'migrations/versions/b2_age.py']);
      const down = await driver.call('offline', { direction: 'down', range: 'c3:base' });
      // c3 cannot be downgraded at all, b2's downgrade uses batch mode: both reported, a1 still has its SQL.
      assert.deepEqual(down.revisions.map((r) => r.revision), ['a1']);
      assert.deepEqual(down.failures?.map((f) => [f.revision, f.line]),
        [['c3', lineOf(C3, 'raise NotImplementedError')], ['b2', lineOf(B2, 'def downgrade') + 1]]);
      assert.match(down.revisions[0]!.sql, /DROP TABLE users/);
    });
  });
}

describe('graph', () => {
  const DUP = migration('b2', 'a1', ['pass'], ['pass'], 'the same id again');
  const project = writeProject({
    versions: {
      'a1_users.py': A1,
      'b2_age.py': B2,
      'b2_again.py': DUP,
      'c3_fail.py': C3,
      'd4_syntax.py': '"""broken"""\nrevision = "d4"\ndown_revision = "c3"\n\n\ndef upgrade(:\n    pass\n',
      'e5_import.py': '"""import error"""\nimport os\nimport no_such_module_xyz\nrevision = "e5"\n',
      'f6_pass.py': migration('f6', ['b2', 'c3'], ['op.execute("SELECT 1")'], ['"""nothing to undo"""', 'pass']),
      'g7_missing.py': migration('g7', 'f6', ['pass'], null),
      '__init__.py': '',
      'README.txt': 'not a migration',
    },
  });

  test('every file loads on its own: broken files are reported with their line, duplicates all appear', async () => {
    const driver = await startIn(project);
    try {
      const g = await driver.call('graph', {});
      const byFile = new Map(g.revisions.map((r) => [r.file, r]));
      assert.deepEqual([...byFile.keys()].map((f) => f.replace('migrations/versions/', '')),
        ['a1_users.py', 'b2_again.py', 'b2_age.py', 'c3_fail.py', 'f6_pass.py', 'g7_missing.py']);
      assert.equal(g.revisions.filter((r) => r.revision === 'b2').length, 2);
      const a1 = byFile.get('migrations/versions/a1_users.py')!;
      assert.deepEqual(a1, {
        revision: 'a1', downRevisions: [], dependsOn: [], branchLabels: [], file: 'migrations/versions/a1_users.py',
        line: lineOf(A1, 'revision = '), message: 'create users', downgrade: 'ok', downgradeLine: lineOf(A1, 'def downgrade'),
      });
      assert.equal(byFile.get('migrations/versions/c3_fail.py')!.downgrade, 'raises');
      assert.equal(byFile.get('migrations/versions/f6_pass.py')!.downgrade, 'pass');
      assert.deepEqual(byFile.get('migrations/versions/f6_pass.py')!.downRevisions, ['b2', 'c3']);
      assert.equal(byFile.get('migrations/versions/g7_missing.py')!.downgrade, 'missing');
      assert.deepEqual(g.loadErrors.map((e) => [e.kind, e.file, e.line]), [
        ['load', 'migrations/versions/d4_syntax.py', 6],
        ['load', 'migrations/versions/e5_import.py', 3],
      ]);
      assert.match(g.loadErrors[1]!.message, /no_such_module_xyz/);
    } finally {
      await driver.close();
    }
  });
});

describe('configuration errors', () => {
  test('no alembic.ini (Alembic 1.8: no pyproject support) is a config error naming the file', async () => {
    const project = writeProject({ ini: null, versions: {} });
    const driver = await Driver.start({ python: venvPython(hasOldVenv() ? 'old' : 'latest'), cwd: project });
    try {
      const e = await driverError(driver.call('inspect', { projectDir: project, configFile: null, section: 'alembic' }));
      assert.equal(e.kind, 'config');
      assert.match(e.message, /alembic\.ini/);
      const missing = await driverError(driver.call('inspect', { projectDir: project, configFile: 'conf/alembic.ini', section: 'alembic' }));
      assert.match(missing.message, /conf\/alembic\.ini not found/);
    } finally {
      await driver.close();
    }
  });

  test('a pyproject.toml-only project works on Alembic 1.16+, and -n picks the ini section', async () => {
    const toml = writeProject({
      ini: null,
      versions: { 'a1_users.py': A1 },
      files: { 'pyproject.toml': '[tool.alembic]\nscript_location = "%(here)s/migrations"\n' },
    });
    const driver = await startIn(toml);
    try {
      const info = await driver.call('inspect', { projectDir: toml, configFile: null, section: 'alembic' });
      assert.equal(info.configFile, null);
      assert.equal(info.scriptLocation, join(toml, 'migrations'));
      const sectioned = writeProject({ ini: INI.replace('[alembic]', '[billing]'), versions: { 'a1_users.py': A1 } });
      const e = await driverError(driver.call('inspect', { projectDir: sectioned, configFile: null, section: 'alembic' }));
      assert.equal(e.kind, 'config');
      const ok = await driver.call('inspect', { projectDir: sectioned, configFile: null, section: 'billing' });
      assert.equal(ok.scriptLocation, join(sectioned, 'migrations'));
    } finally {
      await driver.close();
    }
  });

  test('an env.py that fails to import is a config error with env.py file:line and the traceback', async () => {
    const env = SYNC_ENV.replace('from alembic import context', 'from alembic import context\nimport app_models_that_do_not_exist');
    const project = writeProject({ env, versions: { 'a1_users.py': A1 } });
    const driver = await startIn(project);
    try {
      await driver.call('configure', { url: `sqlite:///${join(project, 't.db')}`, envVars: ['DATABASE_URL'] });
      const e = await driverError(driver.call('upgrade', { target: 'head' }));
      assert.equal(e.kind, 'config');
      assert.equal(e.file, 'migrations/env.py');
      assert.equal(e.line, lineOf(env, 'import app_models_that_do_not_exist'));
      assert.match(e.traceback ?? '', /ModuleNotFoundError/);
    } finally {
      await driver.close();
    }
  });
});

describe('connection guard', () => {
  // env.py picks its misbehaviour from case.txt, so one driver serves every case.
  const ENV = `import os, sqlite3
from alembic import context
from sqlalchemy import create_engine, engine_from_config, pool

config = context.config
here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
case = open(os.path.join(here, "case.txt")).read().strip()
other = os.path.join(here, "production.db")


def ours():
    return engine_from_config(config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool)


if case == "hardcoded":
    engine = create_engine("sqlite:///" + other)
elif case == "swallowed":
    try:
        create_engine("sqlite:///" + other).connect()
    except Exception:
        pass
    engine = ours()
elif case == "creator":
    engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(other))
elif case == "unwrapped":
    from sqlalchemy.engine import create as create_module
    engine = create_module.create_engine.__wrapped__("sqlite:///" + other)
else:
    engine = ours()

with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
`;

  for (const which of ['latest', 'old'] as const) {
    test(`env.py reaching another database is refused before connecting, however it tries (${which})`, { skip: which === 'old' && !hasOldVenv() ? 'no .venv-old' : false }, async () => {
      const project = writeProject({ env: ENV, versions: { 'a1_users.py': A1 }, files: { 'case.txt': 'ours' } });
      const driver = await startIn(project, which);
      try {
        const throwaway = join(project, 'throwaway.db');
        await driver.call('configure', { url: `sqlite:///${throwaway}`, envVars: ['DATABASE_URL'] });
        const envLine = (needle: string) => lineOf(ENV, needle);
        const expectations: Record<string, number> = {
          hardcoded: envLine('with engine.connect()'),
          swallowed: envLine('create_engine("sqlite:///" + other).connect()'),
          creator: envLine('with engine.connect()'),
          unwrapped: envLine('with engine.connect()'),
        };
        for (const [kase, line] of Object.entries(expectations)) {
          writeFileSync(join(project, 'case.txt'), kase);
          const e = await driverError(driver.call('upgrade', { target: 'head' }));
          assert.equal(e.kind, 'refused', `${kase}: ${e.message}`);
          assert.equal(e.file, 'migrations/env.py', kase);
          assert.equal(e.line, line, kase);
          assert.match(e.message, /sqlalchemy\.url/);
          assert.match(e.message, /\$DATABASE_URL/);
          assert.equal(existsSync(join(project, 'production.db')), false, `${kase}: production.db was created`);
        }
        // The well-behaved env.py still runs against the throwaway file.
        writeFileSync(join(project, 'case.txt'), 'ours');
        assert.deepEqual((await driver.call('upgrade', { target: 'head' })).current, ['a1']);
        assert.equal(existsSync(throwaway), true);
        assert.equal(existsSync(join(project, 'production.db')), false);
      } finally {
        await driver.close();
      }
    });
  }

  test('methods that need the throwaway database refuse to run before configure', async () => {
    const project = writeProject({ env: ENV, versions: { 'a1_users.py': A1 }, files: { 'case.txt': 'ours' } });
    const driver = await startIn(project);
    try {
      const e = await driverError(driver.call('current', {}));
      assert.equal(e.kind, 'internal');
      assert.match(e.message, /configure must run/);
    } finally {
      await driver.close();
    }
  });
});

describe('async env.py with aiosqlite', () => {
  test('upgrade, trace, current and downgrade through an async engine', async () => {
    const project = writeProject({ env: ASYNC_ENV, versions: { 'a1_users.py': A1, 'b2_age.py': B2 } });
    const driver = await startIn(project);
    try {
      const info = await driver.call('inspect', { projectDir: project, configFile: null, section: 'alembic' });
      assert.equal(info.asyncEnv, true);
      const db = join(project, 'async.db');
      await driver.call('configure', { url: `sqlite+aiosqlite:///${db}`, envVars: ['DATABASE_URL'] });
      const up = await driver.call('upgrade', { target: 'head', trace: true });
      assert.deepEqual(up.current, ['b2']);
      const s = find(up.steps[0]!.statements, /CREATE INDEX ix_users_email/);
      assert.deepEqual([s.line, s.call], [lineOf(A1, 'op.create_index'), 'op.create_index']);
      assert.deepEqual((await driver.call('downgrade', { target: 'base' })).current, []);
      assert.ok(readFileSync(db).length > 0);
    } finally {
      await driver.close();
    }
  });
});

describe('sqlite-snapshot', () => {
  const SCHEMA = `
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email VARCHAR(100) NOT NULL CONSTRAINT uq_users_email UNIQUE,
  age   INTEGER CHECK (age >= 0),
  nick  TEXT DEFAULT 'x',
  full_name TEXT GENERATED ALWAYS AS (nick || '!') VIRTUAL,
  CONSTRAINT ck_users_nick CHECK (length(nick)   < 20)
);
CREATE TABLE orders (
  id INTEGER NOT NULL, user_id INTEGER NOT NULL, code TEXT,
  PRIMARY KEY (id),
  CONSTRAINT fk_orders_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  UNIQUE (code, user_id)
) WITHOUT ROWID;
CREATE TABLE tags (id INTEGER PRIMARY KEY AUTOINCREMENT, order_id INTEGER REFERENCES orders(id)) STRICT;
CREATE INDEX ix_orders_code ON orders (code DESC) WHERE code IS NOT NULL;
CREATE UNIQUE INDEX ix_users_lower ON users (lower(email));
CREATE VIEW v_users AS   SELECT id,
   email FROM users;
CREATE TRIGGER trg_users AFTER INSERT ON users BEGIN UPDATE users SET nick = 'y' WHERE id = NEW.id; END;
CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);
`;

  test('tables, columns, constraints parsed from the SQL, indexes, views and triggers; deterministic', async () => {
    const path = join(tempDir(), 'rich.db');
    const made = spawnSync(venvPython(), ['-c', 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()', path, SCHEMA]);
    assert.equal(made.status, 0, made.stderr.toString());
    const driver = await Driver.start({ python: venvPython(), cwd: tempDir() });
    try {
      const snap = await driver.call('sqlite-snapshot', { path });
      const line = (kind: string, key: string) => {
        const o = snap.objects.find((x) => x.kind === kind && x.key === key);
        assert.ok(o, `${kind} ${key} missing: ${snap.objects.map((x) => x.key).join(', ')}`);
        return o.props;
      };
      assert.deepEqual(line('table', 'main.orders'), { strict: false, withoutRowid: true, autoincrement: false });
      assert.deepEqual(line('table', 'main.tags'), { strict: true, withoutRowid: false, autoincrement: true });
      assert.deepEqual(line('column', 'main.users.nick'), { type: 'TEXT', notnull: false, default: "'x'", pk: 0, hidden: false, generated: null });
      assert.equal(line('column', 'main.users.full_name').generated, 'virtual');
      assert.deepEqual(line('constraint', 'main.users.check(age >= 0)'), { type: 'check', name: null, expression: 'age >= 0' });
      assert.deepEqual(line('constraint', 'main.users.ck_users_nick'), { type: 'check', name: 'ck_users_nick', expression: 'length(nick) < 20' });
      assert.deepEqual(line('constraint', 'main.users.unique(email)'), { type: 'unique', name: 'uq_users_email', columns: ['email'] });
      assert.deepEqual(line('constraint', 'main.orders.unique(code,user_id)'), { type: 'unique', name: null, columns: ['code', 'user_id'] });
      assert.deepEqual(line('constraint', 'main.orders.fk(user_id)'), {
        type: 'foreign key', name: 'fk_orders_user', columns: ['user_id'], refTable: 'users', refColumns: ['id'],
        onUpdate: 'NO ACTION', onDelete: 'CASCADE', match: 'NONE',
      });
      assert.deepEqual(line('index', 'main.orders.ix_orders_code'), { unique: false, columns: ['code DESC'], where: 'code IS NOT NULL', origin: 'index' });
      assert.deepEqual(line('index', 'main.users.ix_users_lower').columns, ['lower(email)']);
      assert.equal(line('view', 'main.v_users').sql, 'CREATE VIEW v_users AS SELECT id, email FROM users');
      assert.equal(line('trigger', 'main.users.trg_users').table, 'users');
      assert.ok(!snap.objects.some((o) => /alembic_version|sqlite_/.test(o.key)), 'internals are excluded');
      assert.deepEqual(await driver.call('sqlite-snapshot', { path }), snap);
    } finally {
      await driver.close();
    }
  });
});
