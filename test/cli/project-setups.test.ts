// Projects set up the way teams set them up: settings read from the environment when a module is imported, and a
// URL built from parts (POSTGRES_SERVER, POSTGRES_PORT, ...). Run through the real CLI, with documented options only.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { check, runCli } from '../support/cli.ts';
import { venvPython } from '../support/env.ts';
import { migration, removeAll, SYNC_ENV, tempDir, writeProject } from '../driver/temp-project.ts';

after(removeAll);

/** env.py and a migration both read app/settings.py, which reads the environment once, at import. */
const SETTINGS_ENV = SYNC_ENV
  .replace('from alembic import context', 'from alembic import context\nfrom app import settings')
  .replace(/connectable = engine_from_config\([\s\S]*?poolclass=pool\.NullPool\)\n/, 'connectable = create_engine(settings.DATABASE_URL, poolclass=pool.NullPool)\n')
  .replace('from sqlalchemy import engine_from_config, pool', 'from sqlalchemy import create_engine, pool');

function settingsProject(settingsPy: string): string {
  return writeProject({
    env: SETTINGS_ENV,
    files: { 'app/__init__.py': '', 'app/settings.py': settingsPy },
    versions: {
      'a1_create.py': migration('a1', null, ['op.create_table("t", sa.Column("id", sa.Integer, primary_key=True))'], ['op.drop_table("t")'])
        .replace('import sqlalchemy as sa', 'import sqlalchemy as sa\nfrom app import settings  # noqa: F401  (read at import, as apps do)'),
    },
  });
}

test('settings read from the environment at import time see the throwaway database (env set before any project import)', async () => {
  const dir = settingsProject('import os\nDATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:////nonexistent-prod/app.db")\n');
  const run = await runCli(['check', dir, '--database', 'sqlite', '--python', venvPython(), '--format', 'json', '--checks', 'graph,upgrade,stairway']);
  assert.equal(run.code, 0, `${run.report?.error?.message ?? ''}\n${run.stderr.slice(-2000)}`);
  assert.equal(check(run.report!, 'upgrade').status, 'passed');
});

test('--env-vars NAME={part}: an env.py that builds the URL from parts reaches the throwaway database', async () => {
  const dir = writeProject({
    env: SETTINGS_ENV,
    files: {
      'app/__init__.py': '',
      // The pattern of settings objects that assemble the URL (here for SQLite: a driver and a file path).
      'app/settings.py': 'import os\nDATABASE_URL = "sqlite+%s:///%s" % (os.environ.get("DB_DRIVER") or "pysqlite", os.environ.get("DB_PATH", "/nonexistent-prod/app.db"))\n',
    },
    versions: {
      'a1_create.py': migration('a1', null, ['op.create_table("t", sa.Column("id", sa.Integer, primary_key=True))'], ['op.drop_table("t")']),
    },
  });
  const refused = await runCli(['check', dir, '--database', 'sqlite', '--python', venvPython(), '--format', 'json', '--checks', 'graph,upgrade']);
  assert.equal(refused.code, 2, 'without the mapping env.py reaches for another database and is refused');
  const run = await runCli(['check', dir, '--database', 'sqlite', '--python', venvPython(), '--format', 'json', '--checks', 'graph,upgrade',
    '--env-vars', 'DB_PATH={database},DB_DRIVER={driver}']);
  assert.equal(run.code, 0, `${run.report?.error?.message ?? ''}\n${run.stderr.slice(-2000)}`);
  assert.equal(check(run.report!, 'upgrade').status, 'passed');
});

test('the full-stack template pattern on PostgreSQL: POSTGRES_SERVER/PORT/USER/PASSWORD/DB mapped to a local cluster over TCP with a password', async () => {
  const dir = writeProject({
    env: SETTINGS_ENV,
    files: {
      'app/__init__.py': '',
      'app/settings.py': [
        'import os',
        'from urllib.parse import quote',
        'DATABASE_URL = "postgresql+psycopg2://%s:%s@%s:%s/%s" % (',
        '    os.environ.get("POSTGRES_USER", "app"), quote(os.environ.get("POSTGRES_PASSWORD", ""), safe=""),',
        '    os.environ.get("POSTGRES_SERVER", "db.internal"), os.environ.get("POSTGRES_PORT", "5432"), os.environ.get("POSTGRES_DB", "app"))',
        '',
      ].join('\n'),
    },
    versions: {
      'a1_create.py': migration('a1', null, ['op.create_table("t", sa.Column("id", sa.Integer, primary_key=True))'], ['op.drop_table("t")']),
    },
  });
  const run = await runCli(['check', dir, '--database', 'postgres-local', '--python', venvPython(), '--format', 'json', '--checks', 'graph,upgrade,stairway',
    '--env-vars', 'POSTGRES_SERVER={host},POSTGRES_PORT={port},POSTGRES_USER={user},POSTGRES_PASSWORD={password},POSTGRES_DB={database}']);
  assert.equal(run.code, 0, `${run.report?.error?.message ?? ''}\n${run.stderr.slice(-2000)}`);
  assert.equal(check(run.report!, 'stairway').status, 'passed');
  const password = /127\.0\.0\.1:\d+ \(password required\)/.exec(run.stderr);
  assert.ok(password, 'the cluster listens on TCP with a password for this setup');
  assert.doesNotMatch(run.stdout + run.stderr, /postgres:[A-Za-z0-9_-]{20,}@/, 'the password is never printed');
});

test('env.py shipped inside an installed package (site-packages) that raises: exit 2 naming that env.py, not an internal error', async () => {
  const pkg = join(tempDir('preflight-sitepkg-'), 'lib', 'site-packages', 'vendorapp');
  mkdirSync(join(pkg, 'migrations', 'versions'), { recursive: true });
  writeFileSync(join(pkg, 'migrations', 'env.py'), 'from alembic import context\nraise RuntimeError("run me through vendorapp\'s own runner")\n');
  writeFileSync(join(pkg, 'migrations', 'versions', 'a1.py'), migration('a1', null, ['pass'], ['pass']));
  const dir = tempDir('preflight-sitepkg-project-');
  writeFileSync(join(dir, 'alembic.ini'), `[alembic]\nscript_location = ${join(pkg, 'migrations')}\n`);
  const run = await runCli(['check', dir, '--database', 'sqlite', '--python', venvPython(), '--format', 'json', '--checks', 'graph,upgrade']);
  assert.equal(run.code, 2, run.stderr.slice(-1500));
  assert.match(run.report!.error?.message ?? '', /run me through vendorapp's own runner/);
  assert.match(run.report!.error?.file ?? '', /vendorapp\/migrations\/env\.py$/);
});
