// Flask-Migrate projects (fixtures/flask-migrate: an app factory, Flask-SQLAlchemy, migrations made by `flask db
// init/migrate`) run as `flask db upgrade` runs them: migrations/alembic.ini without script_location, env.py on
// current_app, the app found by Flask's discovery, FLASK_APP, --flask-app or [tool.alembic-preflight] flask-app.
// Through the real CLI on SQLite and PostgreSQL, each verdict beside what plain `flask db` commands do.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, test } from 'node:test';
import { provisionPostgresLocal } from '../../src/database/postgres-local.ts';
import { withDriver } from '../../src/database/url.ts';
import { check, runCli } from '../support/cli.ts';
import { fixture, venvPython } from '../support/env.ts';
import { removeAll, tempDir } from '../driver/temp-project.ts';

after(removeAll);
const exec = promisify(execFile);
const HEAD = '322ea5fa9bdc';
const REVISIONS = ['d19a275b2b74', '195c5f759fef', HEAD];

/** A copy of the fixture (nothing is ever written into the repository), optionally changed. */
function project(change?: (dir: string) => void): string {
  const dir = join(tempDir('preflight-flask-'), 'blog-project');
  cpSync(fixture('flask-migrate'), dir, { recursive: true });
  change?.(dir);
  return dir;
}

/** Plain `flask db ...` in the project, as its README would say; the output, or throws with it. */
async function flaskDb(dir: string, env: Record<string, string>, ...args: string[]): Promise<string> {
  const { stdout, stderr } = await exec(venvPython(), ['-m', 'flask', '--app', 'blog:create_app', 'db', ...args],
    { cwd: dir, env: { ...process.env, ...env }, timeout: 120_000 });
  return stdout + stderr;
}

/** upgrade, downgrade base, upgrade, check, current: the plain commands behind the CLI's passing verdicts. */
async function plainFlaskDbPasses(dir: string, env: Record<string, string>): Promise<void> {
  await flaskDb(dir, env, 'upgrade');
  await flaskDb(dir, env, 'downgrade', 'base');
  await flaskDb(dir, env, 'upgrade');
  assert.match(await flaskDb(dir, env, 'check'), /No new upgrade operations detected/);
  assert.match(await flaskDb(dir, env, 'current'), new RegExp(`${HEAD} \\(head\\)`));
}

function assertAllPassed(run: Awaited<ReturnType<typeof runCli>>, ids: string[]): void {
  assert.equal(run.code, 0, `${run.report?.error?.message ?? ''}\n${run.stderr.slice(-3000)}`);
  assert.deepEqual(run.report!.revisions.map((r) => r.revision), REVISIONS);
  for (const id of ids) assert.equal(check(run.report!, id).status, 'passed', `${id}: ${JSON.stringify(check(run.report!, id).findings)}`);
}

test('SQLite, no option at all: the app found by Flask\'s discovery (wsgi.py), every check passes as plain flask db does', async () => {
  const dir = project();
  const run = await runCli(['check', dir, '--python', venvPython(), '--format', 'json']);
  assertAllPassed(run, ['graph', 'upgrade', 'roundtrip', 'stairway', 'drift', 'models-registered', 'lint']);
  assert.equal(run.report!.environment.database?.dialect, 'sqlite', 'the dialect comes from config.py\'s sqlite:/// default');
  assert.match(run.stderr, /Flask-Migrate: app blog, its database URI set to the throwaway database/);
  assert.equal(existsSync(join(dir, 'blog.db')), false, 'the app\'s own database file is never created');

  await plainFlaskDbPasses(dir, { DATABASE_URL: `sqlite:///${join(tempDir(), 'plain.db')}` });
});

test('PostgreSQL, --flask-app blog:create_app (no wsgi.py): every check runs on the throwaway cluster, as plain flask db does', async () => {
  const dir = project((d) => rmSync(join(d, 'wsgi.py')));
  const run = await runCli(['check', dir, '--python', venvPython(), '--database', 'postgres-local', '--flask-app', 'blog:create_app', '--format', 'json']);
  assertAllPassed(run, ['graph', 'upgrade', 'roundtrip', 'stairway', 'drift', 'models-registered']);
  assert.equal(run.report!.environment.database?.dialect, 'postgresql');
  assert.match(run.stderr, /Flask-Migrate: app blog/);

  const pg = await provisionPostgresLocal({});
  try {
    await plainFlaskDbPasses(dir, { DATABASE_URL: withDriver(pg.url, 'psycopg2') });
  } finally {
    await pg.dispose();
  }
});

test('FLASK_APP, run on the migrations directory itself, the config reading another variable with a production default: the URI is the throwaway database before the factory makes its engine', async () => {
  const dir = project((d) => {
    rmSync(join(d, 'wsgi.py'));
    const config = join(d, 'config.py');
    writeFileSync(config, readFileSync(config, 'utf8').replace(
      /SQLALCHEMY_DATABASE_URI = .*/, 'SQLALCHEMY_DATABASE_URI = os.environ.get("BLOG_DATABASE_URI", "sqlite:////nonexistent-prod/blog.db")'));
  });
  const run = await runCli(['check', join(dir, 'migrations'), '--python', venvPython(), '--format', 'json'], { env: { FLASK_APP: 'blog:create_app' } });
  assertAllPassed(run, ['graph', 'upgrade', 'roundtrip', 'stairway', 'drift']);
  assert.equal(run.report!.revisions[0]!.file, 'versions/d19a275b2b74_users_table.py');

  await plainFlaskDbPasses(dir, { BLOG_DATABASE_URI: `sqlite:///${join(tempDir(), 'plain.db')}` });
});

test('[tool.alembic-preflight] flask-app in pyproject.toml; without it and without wsgi.py or FLASK_APP: exit 2 saying how to name the app', async () => {
  const dir = project((d) => rmSync(join(d, 'wsgi.py')));
  const missing = await runCli(['check', dir, '--python', venvPython(), '--format', 'json']);
  assert.equal(missing.code, 2, missing.stderr.slice(-2000));
  assert.match(missing.report!.error!.message, /no Flask app was found .*--flask-app module:factory/);

  writeFileSync(join(dir, 'pyproject.toml'), '[project]\nname = "blog"\nversion = "0"\n\n[tool.alembic-preflight]\nflask-app = "blog:create_app"\n');
  const run = await runCli(['check', dir, '--python', venvPython(), '--format', 'json', '--checks', 'graph,upgrade,stairway']);
  assertAllPassed(run, ['graph', 'upgrade', 'stairway']);
});

test('a downgrade that forgets its table: the walk restores the database under the app\'s pooled engine and goes on, on SQLite and PostgreSQL', async () => {
  // The Flask app's engine keeps a pooled connection between commands; a restore (file copy, or the database
  // dropped and copied) must not leave the next step on a connection to what is gone.
  const dir = project((d) => {
    const file = join(d, 'migrations', 'versions', '195c5f759fef_posts_table.py');
    writeFileSync(file, readFileSync(file, 'utf8').replace("    op.drop_table('post')\n", '    pass\n'));
  });
  for (const database of ['sqlite', 'postgres-local']) {
    const run = await runCli(['check', dir, '--python', venvPython(), '--database', database, '--flask-app', 'blog:create_app', '--format', 'json', '--checks', 'graph,upgrade,stairway']);
    assert.equal(run.code, 1, run.stderr.slice(-3000));
    const codes = check(run.report!, 'stairway').findings.map((f) => `${f.code} ${f.revision}`).sort();
    assert.deepEqual(codes, ['stairway/downgrade-leaves-trace 195c5f759fef', 'stairway/reupgrade-failed 195c5f759fef'], `${database}: ${run.stderr.slice(-2000)}`);
    assert.match(run.stderr, /restoring the database at 195c5f759fef after its failed re-upgrade/);
    assert.equal(check(run.report!, 'upgrade').status, 'passed', `${database}: the walk went on to head after the restore`);
  }
});
