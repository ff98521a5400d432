// The same healthy project through every PostgreSQL driver SQLAlchemy users pick: psycopg2, psycopg 3 (also what
// a bare postgresql:// means on SQLAlchemy 2.1) and asyncpg with the async env.py template. The walk takes its
// snapshots on the migration's own connection, so each DBAPI's quirks (prepared statements, placeholders) matter.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../support/cli.ts';
import { fixture, venvPython } from '../support/env.ts';

const work = mkdtempSync(join(tmpdir(), 'preflight-pg-drivers-'));
after(() => rmSync(work, { recursive: true, force: true }));

const ASYNC_ENV = `import asyncio
import os

from alembic import context
from sqlalchemy import pool
from sqlalchemy.ext.asyncio import async_engine_from_config

from app.models import Base

config = context.config
target_metadata = Base.metadata


def do_run_migrations(connection):
    context.configure(connection=connection, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations():
    connectable = async_engine_from_config(config.get_section(config.config_ini_section, {}),
                                           prefix="sqlalchemy.", poolclass=pool.NullPool)
    async with connectable.connect() as connection:
        await connection.run_sync(do_run_migrations)
    await connectable.dispose()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(run_async_migrations())
`;

function project(name: string, url: string, envPy?: string): string {
  const dir = join(work, name);
  cpSync(fixture('healthy'), dir, { recursive: true });
  const ini = join(dir, 'alembic.ini');
  writeFileSync(ini, readFileSync(ini, 'utf8').replace(/^sqlalchemy\.url = .*$/m, `sqlalchemy.url = ${url}`));
  if (envPy) writeFileSync(join(dir, 'migrations', 'env.py'), envPy);
  return dir;
}

for (const [name, url, envPy] of [
  ['psycopg3', 'postgresql+psycopg://app:secret@localhost:5432/app', undefined],
  ['bare-url', 'postgresql://app:secret@localhost:5432/app', undefined],
  ['asyncpg', 'postgresql+asyncpg://app:secret@localhost:5432/app', ASYNC_ENV],
] as const) {
  test(`healthy on PostgreSQL through ${name}: every check passes, no finding`, async () => {
    const run = await runCli(['check', project(name, url, envPy), '--database', 'postgres-local', '--python', venvPython(), '--format', 'json']);
    assert.equal(run.code, 0, `${run.stderr}\n${JSON.stringify(run.report?.checks.filter((c) => c.status !== 'passed'), null, 1)}`);
    assert.deepEqual(run.report!.counts, { error: 0, warning: 0, notice: 0 });
  });
}
