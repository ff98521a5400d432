// The project's database driver is kept: a psycopg2-only venv under SQLAlchemy 2.1 (where a bare postgresql:// means
// psycopg 3), an env.py that runs async only for PostgreSQL while its ini says sqlite://, and an async env.py in a
// venv without greenlet (SQLAlchemy 2.1 no longer installs it). Real venvs, real PostgreSQL, beside plain `alembic`.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { provisionPostgresLocal } from '../../src/database/postgres-local.ts';
import type { ThrowawayDatabase } from '../../src/database/provider.ts';
import { withDriver } from '../../src/database/url.ts';
import { check, runCli } from '../support/cli.ts';
import { repoRoot, venvPython } from '../support/env.ts';
import { ASYNC_ENV, INI, migration, removeAll, SYNC_ENV, tempDir, writeProject } from '../driver/temp-project.ts';

const exec = promisify(execFile);

/** A venv with exactly these packages (cached under .cache/test-venvs; pip's own cache makes a rebuild quick). */
async function venv(name: string, packages: string[]): Promise<string> {
  const dir = join(repoRoot, '.cache', 'test-venvs', name);
  const stamp = join(dir, '.packages');
  const python = join(dir, 'bin', 'python');
  if (existsSync(python) && existsSync(stamp) && readFileSync(stamp, 'utf8') === packages.join('\n')) return python;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await exec(process.env.PYTHON ?? 'python3', ['-m', 'venv', dir]);
  await exec(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', ...packages], { timeout: 300_000 });
  writeFileSync(stamp, packages.join('\n'));
  return python;
}

let psycopg2Only: string;
let pg: ThrowawayDatabase;
before(async () => {
  // No psycopg 3, no greenlet (plain SQLAlchemy 2.1 without the [asyncio] extra), asyncpg for the async case.
  psycopg2Only = await venv('psycopg2-only', ['alembic==1.20.1', 'SQLAlchemy==2.1.9', 'psycopg2-binary==2.9.13', 'asyncpg==0.32.0']);
  pg = await provisionPostgresLocal({});
});
after(async () => {
  await pg?.dispose();
  removeAll();
});

/** Plain `alembic` with the given interpreter, sqlalchemy.url written into the ini; stdout+stderr and the exit code. */
async function alembic(python: string, dir: string, url: string, ...args: string[]): Promise<{ ok: boolean; out: string }> {
  const ini = join(dir, 'alembic.ini');
  writeFileSync(ini, readFileSync(ini, 'utf8').replace(/^sqlalchemy\.url = .*$/m, `sqlalchemy.url = ${url.replace(/%/g, '%%')}`));
  try {
    const { stdout, stderr } = await exec(python, ['-m', 'alembic', ...args], { cwd: dir });
    return { ok: true, out: stdout + stderr };
  } catch (error) {
    const e = error as { stdout: string; stderr: string };
    return { ok: false, out: e.stdout + e.stderr };
  }
}

const VERSIONS = {
  'a1_users.py': migration('a1', null, ['op.create_table("users", sa.Column("id", sa.Integer, primary_key=True))'], ['op.drop_table("users")']),
  'a2_posts.py': migration('a2', 'a1', ['op.create_table("posts", sa.Column("id", sa.Integer, primary_key=True))'], ['op.drop_table("posts")']),
};

test('psycopg2-only venv, no URL naming a driver: PostgreSQL through psycopg2, said in the report (a bare postgresql:// would need psycopg 3)', async () => {
  const dir = writeProject({ versions: VERSIONS });
  const run = await runCli(['check', dir, '--database', 'postgres-local', '--python', psycopg2Only, '--format', 'json', '--checks', 'graph,upgrade,roundtrip,stairway']);
  assert.equal(run.code, 0, `${run.report?.error?.message ?? ''}\n${run.stderr.slice(-2000)}`);
  for (const id of ['upgrade', 'roundtrip', 'stairway']) assert.equal(check(run.report!, id).status, 'passed', id);
  assert.equal(run.report!.environment.database?.driver, 'psycopg2');
  assert.match(run.report!.environment.database?.driverReason ?? '', /installed .*psycopg is not/);

  const text = await runCli(['check', dir, '--database', 'postgres-local', '--python', psycopg2Only, '--checks', 'graph,upgrade']);
  assert.match(text.stdout, /PostgreSQL [\d.]+ \(postgres-local, psycopg2\)/, 'the text report names the driver');

  // Plain alembic in the same venv: the bare URL fails for want of psycopg 3, the psycopg2 one works.
  await pg.reset();
  const bare = await alembic(psycopg2Only, dir, withDriver(pg.url, null), 'upgrade', 'head');
  assert.equal(bare.ok, false);
  assert.match(bare.out, /No module named 'psycopg'/);
  const named = await alembic(psycopg2Only, dir, withDriver(pg.url, 'psycopg2'), 'upgrade', 'head');
  assert.ok(named.ok, named.out);
});

/** An env.py that is async only for PostgreSQL (a common dev-SQLite / production-PostgreSQL setup). */
const ASYNC_FOR_POSTGRES_ENV = SYNC_ENV.replace(/\nif context\.is_offline_mode\(\):[\s\S]*$/, `

def run_async_migrations_online():
    import asyncio
    from sqlalchemy.ext.asyncio import async_engine_from_config

    async def main():
        connectable = async_engine_from_config(config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.",
                                               poolclass=pool.NullPool)
        async with connectable.connect() as connection:
            await connection.run_sync(lambda c: (context.configure(connection=c, target_metadata=target_metadata),
                                                 context.run_migrations()))
        await connectable.dispose()
    asyncio.run(main())


if context.is_offline_mode():
    run_migrations_offline()
elif config.get_main_option("sqlalchemy.url").startswith("postgresql"):
    run_async_migrations_online()
else:
    run_migrations_online()
`);

test('env.py async only for PostgreSQL, ini says sqlite://: SQLite keeps pysqlite (not sqlite+aiosqlite), PostgreSQL gets asyncpg', async () => {
  const dir = writeProject({ ini: INI.replace('driver://user:pass@localhost/dbname', 'sqlite:///dev.db'), env: ASYNC_FOR_POSTGRES_ENV, versions: VERSIONS });
  const plainDb = join(tempDir(), 'plain.db');
  const plain = await alembic(venvPython(), dir, `sqlite:///${plainDb}`, 'upgrade', 'head');
  assert.ok(plain.ok, `plain alembic upgrade head passes on the ini's own SQLite URL: ${plain.out}`);

  const run = await runCli(['check', dir, '--database', 'sqlite', '--python', venvPython(), '--format', 'json', '--checks', 'graph,upgrade,roundtrip,stairway']);
  assert.equal(run.code, 0, `${run.report?.error?.message ?? ''}\n${run.stderr.slice(-2000)}`);
  assert.equal(run.report!.environment.database?.driver, 'pysqlite');
  assert.equal(check(run.report!, 'stairway').status, 'passed');

  const onPg = await runCli(['check', dir, '--database', 'postgres-local', '--python', venvPython(), '--format', 'json', '--checks', 'graph,upgrade,stairway']);
  assert.equal(onPg.code, 0, `${onPg.report?.error?.message ?? ''}\n${onPg.stderr.slice(-2000)}`);
  assert.equal(onPg.report!.environment.database?.driver, 'asyncpg');
});

test('async env.py in a venv without greenlet: exit 2 naming the greenlet package and env.py (plain alembic fails the same way)', async () => {
  const dir = writeProject({ ini: INI.replace('driver://user:pass@localhost/dbname', 'postgresql+asyncpg://app@db.internal/app'), env: ASYNC_ENV, versions: VERSIONS });
  const run = await runCli(['check', dir, '--database', 'postgres-local', '--python', psycopg2Only, '--format', 'json']);
  assert.equal(run.code, 2, run.stderr.slice(-2000));
  assert.match(run.report!.error!.message, /needs the greenlet package.*pip install greenlet/);
  assert.equal(run.report!.error!.file, 'migrations/env.py');

  await pg.reset();
  const plain = await alembic(psycopg2Only, dir, withDriver(pg.url, 'asyncpg'), 'upgrade', 'head');
  assert.equal(plain.ok, false);
  assert.match(plain.out, /greenlet/);
});
