// Projects whose alembic.ini does not say where the migrations are: `revision_environment = true` with env.py setting
// `context.script.version_locations` per dialect (as prefect ships it), and migration files that no version location
// holds. Run through the real CLI; each verdict set beside what plain `alembic` commands do with the same project.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, test } from 'node:test';
import { provisionPostgresLocal } from '../../src/database/postgres-local.ts';
import { withDriver } from '../../src/database/url.ts';
import { check, runCli } from '../support/cli.ts';
import { venvPython } from '../support/env.ts';
import { INI, migration, removeAll, SYNC_ENV, tempDir, writeProject } from '../driver/temp-project.ts';

after(removeAll);
const exec = promisify(execFile);

/** Plain `alembic` in the project, with sqlalchemy.url set in its ini (as a user would). */
async function alembic(dir: string, url: string, ...args: string[]): Promise<string> {
  const ini = join(dir, 'alembic.ini');
  writeFileSync(ini, readFileSync(ini, 'utf8').replace(/^sqlalchemy\.url = .*$/m, `sqlalchemy.url = ${url.replace(/%/g, '%%')}`));
  const { stdout, stderr } = await exec(venvPython(), ['-m', 'alembic', ...args], { cwd: dir });
  return stdout + stderr;
}

const PICK_VERSIONS = `import os
_dialect = config.get_main_option("sqlalchemy.url").split(":", 1)[0].split("+")[0]
# As prefect does: one history per dialect, chosen when env.py runs.
context.script.version_locations = [
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "versions", "postgresql" if _dialect.startswith("postgres") else "sqlite")
]
`;

const create = (rev: string, down: string | null, table: string) =>
  migration(rev, down, [`op.create_table("${table}", sa.Column("id", sa.Integer, primary_key=True))`], [`op.drop_table("${table}")`]);

function perDialectProject(revisionEnvironment: boolean): string {
  const dir = writeProject({
    ini: INI.replace('prepend_sys_path = .\n', `prepend_sys_path = .\n${revisionEnvironment ? 'revision_environment = true\n' : ''}`),
    env: revisionEnvironment ? SYNC_ENV.replace('target_metadata = None\n', `target_metadata = None\n${PICK_VERSIONS}`) : SYNC_ENV,
    versions: {},
    files: {
      'migrations/versions/sqlite/s1_users.py': create('s1', null, 'users'),
      'migrations/versions/sqlite/s2_posts.py': create('s2', 's1', 'posts'),
      'migrations/versions/postgresql/p1_users.py': create('p1', null, 'users'),
      'migrations/versions/postgresql/p2_posts.py': create('p2', 'p1', 'posts'),
      'migrations/versions/postgresql/p3_tags.py': create('p3', 'p2', 'tags'),
    },
  });
  return dir;
}

test('revision_environment = true: env.py sets version_locations per dialect; SQLite runs the sqlite history, as plain alembic upgrade does', async () => {
  const dir = perDialectProject(true);
  const run = await runCli(['check', dir, '--database', 'sqlite', '--python', venvPython(), '--format', 'json', '--checks', 'graph,upgrade,roundtrip,stairway']);
  assert.equal(run.code, 0, `${run.report?.error?.message ?? ''}\n${run.stderr.slice(-2000)}`);
  assert.deepEqual(run.report!.revisions.map((r) => r.revision), ['s1', 's2']);
  for (const id of ['upgrade', 'roundtrip', 'stairway']) assert.equal(check(run.report!, id).status, 'passed', id);

  const db = join(tempDir(), 'plain.db');
  const url = `sqlite:///${db}`;
  await alembic(dir, url, 'upgrade', 'head');
  assert.match(await alembic(dir, url, 'current'), /^s2 \(head\)$/m, 'plain alembic upgrade head reaches s2 through env.py');
  await alembic(dir, url, 'downgrade', 'base');
  assert.doesNotMatch(await alembic(dir, url, 'current'), /s\d/);
});

test('revision_environment = true on PostgreSQL: the postgresql history, as plain alembic upgrade does', async () => {
  const dir = perDialectProject(true);
  const run = await runCli(['check', dir, '--database', 'postgres-local', '--python', venvPython(), '--format', 'json', '--checks', 'graph,upgrade,stairway']);
  assert.equal(run.code, 0, `${run.report?.error?.message ?? ''}\n${run.stderr.slice(-2000)}`);
  assert.deepEqual(run.report!.revisions.map((r) => r.revision), ['p1', 'p2', 'p3']);
  assert.equal(check(run.report!, 'stairway').status, 'passed');

  const pg = await provisionPostgresLocal({});
  try {
    const url = withDriver(pg.url, 'psycopg2');
    await alembic(dir, url, 'upgrade', 'head');
    assert.match(await alembic(dir, url, 'current'), /^p3 \(head\)$/m);
  } finally {
    await pg.dispose();
  }
});

test('migration files that no version location holds: exit 2 naming them, never "no migrations" and a pass', async () => {
  const dir = perDialectProject(false);
  // What plain alembic sees: no revision at all (upgrade head does nothing), though five migration files exist.
  const db = join(tempDir(), 'plain.db');
  assert.equal((await alembic(dir, `sqlite:///${db}`, 'heads')).trim(), '');

  const run = await runCli(['check', dir, '--database', 'sqlite', '--python', venvPython(), '--format', 'json']);
  assert.equal(run.code, 2, run.stderr.slice(-2000));
  const message = run.report!.error!.message;
  assert.match(message, /no revision found in the version locations \(migrations\/versions\)/);
  assert.match(message, /5 files under the script location define `revision =`/);
  assert.match(message, /migrations\/versions\/postgresql\/p1_users\.py/);
  assert.match(message, /migrations\/versions\/sqlite\/s2_posts\.py/);
  assert.equal(run.report!.status, 'error');
});
