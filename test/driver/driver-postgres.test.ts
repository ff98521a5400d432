// The Python driver on real PostgreSQL (a private postgres-local cluster for the whole file): lock/rewrite facts
// per statement (psycopg2, psycopg 3, asyncpg; latest and old venv), failure with the database's code and detail,
// the guard refusing a hard-coded production URL without touching it, and the cost of facts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { provisionPostgresLocal } from '../../src/database/postgres-local.ts';
import type { ThrowawayDatabase } from '../../src/database/provider.ts';
import { Driver, DriverError } from '../../src/driver/client.ts';
import type { DriverErrorPayload, ExecutedStatement, MigrationStep } from '../../src/driver/protocol.ts';
import { hasOldVenv, venvPython } from '../support/env.ts';
import { ASYNC_ENV, lineOf, migration, removeAll, writeProject } from './temp-project.ts';

const R1 = migration('r1', null, [
  'op.create_table("accounts", sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.Text), sa.Column("amount", sa.Integer),',
  '                sa.Column("status", sa.Enum("open", "closed", name="account_status")))',
  'op.execute("INSERT INTO accounts (id, name, amount) SELECT g, \'n\' || g, g FROM generate_series(1, 100) g")',
  'op.get_bind().execute(sa.text("UPDATE accounts SET status = \'open\'"))',
], ['op.drop_table("accounts")', 'sa.Enum(name="account_status").drop(op.get_bind())'], 'accounts');

const R2 = migration('r2', 'r1', [
  'op.create_index("ix_accounts_name", "accounts", ["name"])',
  'op.create_table("fresh", sa.Column("id", sa.Integer, primary_key=True), sa.Column("x", sa.Integer))',
  'op.create_index("ix_fresh_x", "fresh", ["x"])',
  'op.alter_column("accounts", "amount", type_=sa.BigInteger)',
], ['op.alter_column("accounts", "amount", type_=sa.Integer)', 'op.drop_table("fresh")', 'op.drop_index("ix_accounts_name", "accounts")'], 'facts');

const R3 = migration('r3', 'r2', [
  'with op.get_context().autocommit_block():',
  '    op.create_index("ix_accounts_amount", "accounts", ["amount"], postgresql_concurrently=True)',
  'op.execute("UPDATE accounts SET amount = amount WHERE id = 1")',
], ['op.drop_index("ix_accounts_amount", "accounts")'], 'concurrently');

const BENCH = migration('bench', 'r3', [
  'for i in range(200):',
  '    op.execute("UPDATE accounts SET amount = amount WHERE id = %d" % i)',
], ['pass'], '200 statements');

const R4 = migration('r4', 'bench', [
  'op.add_column("accounts", sa.Column("flag", sa.Integer, server_default="1"))',
  'op.create_index("ux_accounts_flag", "accounts", ["flag"], unique=True)',
], ['op.drop_column("accounts", "flag")'], 'fails');

const VERSIONS = { 'r1_accounts.py': R1, 'r2_facts.py': R2, 'r3_concurrently.py': R3, 'r5_bench.py': BENCH, 'r4_fails.py': R4 };

let db: ThrowawayDatabase;
let admin: pg.Client;
let productionUrl: string;

before(async () => {
  db = await provisionPostgresLocal({ tcp: true });
  const u = new URL(db.url);
  admin = new pg.Client({ host: u.hostname, port: Number(u.port), user: u.username, database: 'postgres' });
  await admin.connect();
  await admin.query('CREATE DATABASE production');
  const prod = new pg.Client({ host: u.hostname, port: Number(u.port), user: u.username, database: 'production' });
  await prod.connect();
  await prod.query("CREATE TABLE customers (id int primary key, name text); INSERT INTO customers VALUES (1, 'ada')");
  await prod.end();
  // Trust auth ignores the password: were the guard to let this through, the connection would succeed.
  productionUrl = `postgresql://prod_user:s3cret-pw@127.0.0.1:${u.port}/production`;
});

after(async () => {
  await admin?.end();
  await db?.dispose();
  removeAll();
});

function withDriver(url: string, driver: string): string {
  return url.replace(/^postgresql:/, `postgresql+${driver}:`);
}

async function session(project: string, which: 'latest' | 'old', url: string, env?: NodeJS.ProcessEnv): Promise<Driver> {
  const driver = await Driver.start({ python: venvPython(which), cwd: project, env });
  await driver.call('inspect', { projectDir: project, configFile: null, section: 'alembic' });
  await driver.call('configure', { url, envVars: ['DATABASE_URL'] });
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

function statement(step: MigrationStep | undefined, re: RegExp): ExecutedStatement {
  const s = step?.statements.find((x) => re.test(x.sql));
  assert.ok(s, `no statement matching ${re} in ${step?.statements.map((x) => x.sql).join(' | ')}`);
  return s;
}

function checkFacts(steps: MigrationStep[]): void {
  const [r1, r2, r3] = steps;
  assert.deepEqual(steps.map((s) => s.revision), ['r1', 'r2', 'r3']);
  // r1 creates its table: nothing existed before the step, so no locks are "on existing relations".
  for (const s of r1!.statements) assert.deepEqual(s.facts?.locks ?? [], [], s.sql);
  // Statements that bypass op's own execution are traced too: the enum's CREATE TYPE (SQLAlchemy emits it for
  // create_table) and a data update through op.get_bind().
  const createType = statement(r1, /CREATE TYPE account_status AS ENUM \('open', 'closed'\)/);
  assert.deepEqual([createType.call, createType.line], ['op.create_table', lineOf(R1, 'op.create_table')]);
  const viaBind = statement(r1, /UPDATE accounts SET status = 'open'/);
  assert.deepEqual([viaBind.call, viaBind.line], ['op.get_bind().execute', lineOf(R1, 'op.get_bind().execute')]);

  const index = statement(r2, /CREATE INDEX ix_accounts_name/);
  assert.deepEqual(index.facts?.locks, [{ relation: 'public.accounts', mode: 'ShareLock', kind: 'table' }]);
  assert.deepEqual(index.facts?.rewritten, []);
  assert.equal(index.facts?.inTransaction, true);
  assert.equal(index.line, lineOf(R2, 'ix_accounts_name'));

  const fresh = statement(r2, /CREATE INDEX ix_fresh_x/);
  assert.deepEqual(fresh.facts?.locks, [], 'a table created in the same step is not an existing relation');

  const alter = statement(r2, /ALTER TABLE accounts ALTER COLUMN amount TYPE BIGINT/);
  assert.ok(alter.facts?.locks.some((l) => l.relation === 'public.accounts' && l.mode === 'AccessExclusiveLock'), JSON.stringify(alter.facts));
  assert.ok(alter.facts?.rewritten.includes('public.accounts'), JSON.stringify(alter.facts));
  assert.ok(alter.facts?.rewritten.includes('public.accounts_pkey'), JSON.stringify(alter.facts));
  assert.equal(alter.facts?.lockTimeout, '0');
  assert.equal(alter.call, 'op.alter_column');

  // autocommit_block: the index is built outside any transaction, so its locks are already gone afterwards.
  const concurrently = statement(r3, /CREATE INDEX CONCURRENTLY ix_accounts_amount/);
  assert.equal(concurrently.facts?.inTransaction, false);
  assert.deepEqual(concurrently.facts?.rewritten, []);
  const update = statement(r3, /UPDATE accounts SET amount = amount WHERE id = 1/);
  assert.equal(update.facts?.inTransaction, true);
  // UPDATE also takes RowExclusiveLock on every index of the table: facts, reported as such.
  assert.deepEqual(update.facts?.locks.map((l) => `${l.relation} ${l.mode} ${l.kind}`), [
    'public.accounts RowExclusiveLock table', 'public.accounts_pkey RowExclusiveLock index',
    'public.ix_accounts_name RowExclusiveLock index']);
}

describe('PostgreSQL, sync env.py', () => {
  const project = writeProject({ versions: VERSIONS });

  for (const [which, dbDriver] of [['latest', 'psycopg2'], ['latest', 'psycopg'], ['old', 'psycopg2']] as const) {
    test(`facts per statement: locks on existing relations, rewrites, transactions (${which}, ${dbDriver})`, { skip: which === 'old' && !hasOldVenv() ? 'no .venv-old' : false }, async () => {
      await db.reset();
      const driver = await session(project, which, withDriver(db.url, dbDriver));
      try {
        const r = await driver.call('upgrade', { target: 'r3', trace: true, facts: true });
        checkFacts(r.steps);
        assert.deepEqual(r.current, ['r3']);
        const down = await driver.call('downgrade', { target: 'base', trace: true });
        assert.deepEqual(down.current, []);
      } finally {
        await driver.close();
      }
    });
  }

  test('offline SQL for PostgreSQL, autocommit_block included, split per revision', async () => {
    const driver = await session(project, 'latest', db.url);
    try {
      const up = await driver.call('offline', { direction: 'up', range: 'base:r3' });
      assert.deepEqual(up.revisions.map((r) => r.revision), ['r1', 'r2', 'r3']);
      assert.equal(up.failures, undefined);
      assert.match(up.revisions[0]!.sql, /CREATE TYPE account_status/);
      assert.match(up.revisions[2]!.sql, /COMMIT;\s+CREATE INDEX CONCURRENTLY ix_accounts_amount ON accounts \(amount\);\s+BEGIN;/);
      const concurrently = up.revisions[2]!.statements.find((s) => /CONCURRENTLY/.test(s.sql))!;
      assert.deepEqual([concurrently.file, concurrently.call], ['migrations/versions/r3_concurrently.py', 'op.create_index']);
      // Offline never connects: the database stays empty.
      assert.deepEqual((await driver.call('current', {})).current, []);
    } finally {
      await driver.close();
    }
  });

  test('a failing migration reports the database code, detail and statement; the transaction rolled back', async () => {
    await db.reset();
    const driver = await session(project, 'latest', db.url);
    try {
      const e = await driverError(driver.call('upgrade', { target: 'head', trace: true }));
      assert.equal(e.kind, 'migration');
      assert.equal(e.revision, 'r4');
      assert.equal(e.file, 'migrations/versions/r4_fails.py');
      assert.equal(e.line, lineOf(R4, 'ux_accounts_flag'));
      assert.equal(e.db?.code, '23505');
      assert.match(e.db?.detail ?? '', /Key \(flag\)=\(1\) is duplicated/);
      assert.match(e.db?.statement ?? '', /CREATE UNIQUE INDEX ux_accounts_flag/);
      assert.deepEqual(e.steps?.map((s) => s.revision), ['r1', 'r2', 'r3', 'bench']);
      // One transaction for the whole upgrade (transactional DDL), but r3's autocommit_block committed r1 and r2.
      assert.deepEqual((await driver.call('current', {})).current, ['r2']);
    } finally {
      await driver.close();
    }
  });

  test('cost of facts: 200 statements with and without', async (t) => {
    await db.reset();
    const driver = await session(project, 'latest', db.url);
    try {
      await driver.call('upgrade', { target: 'r3' });
      const timings: Record<string, number> = {};
      for (const [label, trace, facts] of [['plain', false, false], ['trace', true, false], ['facts', true, true], ['plain again', false, false], ['facts again', true, true]] as const) {
        const up = await driver.call('step', { revision: 'bench', direction: 'up', trace, facts });
        timings[label] = up.steps[0]!.durationMs;
        if (facts) assert.equal(up.steps[0]!.statements.filter((s) => s.facts && s.sql.startsWith('UPDATE accounts')).length, 200);
        await driver.call('step', { revision: 'bench', direction: 'down' });
      }
      const plain = Math.min(timings.plain!, timings['plain again']!);
      const facts = Math.min(timings.facts!, timings['facts again']!);
      t.diagnostic(`200 statements: plain ${plain.toFixed(1)} ms, trace ${timings.trace!.toFixed(1)} ms, facts ${facts.toFixed(1)} ms ` +
        `→ facts cost ${((facts - plain) / 200).toFixed(3)} ms per statement`);
      assert.ok(facts > plain, 'facts run two extra queries per statement');
    } finally {
      await driver.close();
    }
  });
});

describe('PostgreSQL, async env.py', () => {
  const project = writeProject({ env: ASYNC_ENV, versions: VERSIONS });

  for (const dbDriver of ['asyncpg', 'psycopg']) {
    test(`async engine through ${dbDriver}: facts, current and downgrade`, async () => {
      await db.reset();
      const driver = await session(project, 'latest', withDriver(db.url, dbDriver));
      try {
        const r = await driver.call('upgrade', { target: 'r3', trace: true, facts: true });
        checkFacts(r.steps);
        assert.deepEqual((await driver.call('current', {})).current, ['r3']);
        assert.deepEqual((await driver.call('downgrade', { target: 'base' })).current, []);
      } finally {
        await driver.close();
      }
    });
  }
});

describe('PostgreSQL connection guard', () => {
  const ENV = `import os
from alembic import context
from sqlalchemy import create_engine, pool

config = context.config
engine = create_engine(os.environ["PRODUCTION_URL"], poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
`;
  const ASYNC_HARDCODED = `import asyncio, os
from alembic import context
from sqlalchemy.ext.asyncio import create_async_engine


def run(connection):
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()


async def main():
    engine = create_async_engine(os.environ["PRODUCTION_URL"].replace("postgresql:", "postgresql+asyncpg:"))
    async with engine.connect() as connection:
        await connection.run_sync(run)


asyncio.run(main())
`;

  for (const [label, env] of [['sync', ENV], ['async', ASYNC_HARDCODED]] as const) {
    test(`a hard-coded production URL is refused (${label}), the password masked, production untouched`, async () => {
      await db.reset();
      const project = writeProject({ env, versions: { 'r1_accounts.py': R1 } });
      const driver = await session(project, 'latest', withDriver(db.url, label === 'sync' ? 'psycopg2' : 'asyncpg'), { PRODUCTION_URL: productionUrl });
      try {
        const e = await driverError(driver.call('upgrade', { target: 'head', trace: true, facts: true }));
        assert.equal(e.kind, 'refused');
        assert.match(e.message, /prod_user:\*\*\*@127\.0\.0\.1:\d+\/production/);
        assert.equal(e.file, 'migrations/env.py');
        assert.equal(e.line, lineOf(env, 'engine.connect()'));
        assert.doesNotMatch(JSON.stringify(e), /s3cret-pw/);
      } finally {
        await driver.close();
      }
      const u = new URL(db.url);
      const prod = new pg.Client({ host: u.hostname, port: Number(u.port), user: u.username, database: 'production' });
      await prod.connect();
      try {
        const tables = await prod.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
        assert.deepEqual(tables.rows.map((r) => r.tablename), ['customers']);
      } finally {
        await prod.end();
      }
      const sessions = await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = 'production'");
      assert.equal(sessions.rows[0].n, 0);
    });
  }
});
