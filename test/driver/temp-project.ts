// Small throwaway Alembic projects for the driver tests, written into temp dirs: an alembic.ini, an env.py (sync
// or async, or the test's own) and migration files given as source text. removeAll() deletes what was written.

import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const made: string[] = [];

export function tempDir(prefix = 'preflight-driver-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeAll(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export const INI = `[alembic]
script_location = %(here)s/migrations
prepend_sys_path = .
path_separator = os
sqlalchemy.url = driver://user:pass@localhost/dbname

[loggers]
keys = root,sqlalchemy,alembic

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console
qualname =

[logger_sqlalchemy]
level = WARNING
handlers =
qualname = sqlalchemy.engine

[logger_alembic]
level = INFO
handlers =
qualname = alembic

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
`;

/** Alembic's generic template, trimmed: the URL comes from sqlalchemy.url. */
export const SYNC_ENV = `from logging.config import fileConfig

from sqlalchemy import engine_from_config, pool

from alembic import context

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)
target_metadata = None


def run_migrations_offline():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    connectable = engine_from_config(config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.",
                                     poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
`;

/** Alembic's async template, trimmed. */
export const ASYNC_ENV = `import asyncio

from sqlalchemy import pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import async_engine_from_config

from alembic import context

config = context.config
target_metadata = None


def run_migrations_offline():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def do_run_migrations(connection: Connection):
    context.configure(connection=connection, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations():
    connectable = async_engine_from_config(config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.",
                                           poolclass=pool.NullPool)
    async with connectable.connect() as connection:
        await connection.run_sync(do_run_migrations)
    await connectable.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_async_migrations())
`;

export interface ProjectSpec {
  /** Defaults to INI. */
  ini?: string | null;
  /** Defaults to SYNC_ENV. */
  env?: string;
  /** File name (in migrations/versions) → source. */
  versions: Record<string, string>;
  /** Any other files, path relative to the project → content. */
  files?: Record<string, string>;
}

export function writeProject(spec: ProjectSpec, dir = tempDir()): string {
  const write = (rel: string, text: string) => {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  };
  if (spec.ini !== null) write('alembic.ini', spec.ini ?? INI);
  write('migrations/env.py', spec.env ?? SYNC_ENV);
  mkdirSync(join(dir, 'migrations', 'versions'), { recursive: true });
  for (const [name, text] of Object.entries(spec.versions)) write(join('migrations', 'versions', name), text);
  for (const [name, text] of Object.entries(spec.files ?? {})) write(name, text);
  return dir;
}

/** A migration file: the usual header, then the given upgrade/downgrade bodies (4-space indented lines). */
export function migration(revision: string, down: string | string[] | null, upgrade: string[], downgrade: string[] | null, message = `rev ${revision}`): string {
  const downRev = down === null ? 'None' : Array.isArray(down) ? `(${down.map((d) => `"${d}"`).join(', ')},)` : `"${down}"`;
  const body = (lines: string[]) => (lines.length ? lines.map((l) => `    ${l}`).join('\n') : '    pass');
  return [
    `"""${message}`,
    '',
    `Revision ID: ${revision}`,
    '"""',
    'from alembic import op',
    'import sqlalchemy as sa',
    '',
    `revision = "${revision}"`,
    `down_revision = ${downRev}`,
    'branch_labels = None',
    'depends_on = None',
    '',
    '',
    'def upgrade():',
    body(upgrade),
    '',
    ...(downgrade === null ? [] : ['', 'def downgrade():', body(downgrade), '']),
  ].join('\n');
}

/** 1-based line of the first line containing `needle` in `text`. */
export function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i === -1) throw new Error(`"${needle}" not in text`);
  return i + 1;
}
