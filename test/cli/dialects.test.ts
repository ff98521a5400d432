// Dev SQLite, production PostgreSQL: `--database sqlite,postgres` runs both and merges the report per dialect, and
// `auto` does the same when the project names PostgreSQL (its dependencies, env.py or settings). Real CLI runs.
import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { check, runCli } from '../support/cli.ts';
import { fixture, venvPython } from '../support/env.ts';
import { removeAll, tempDir } from '../driver/temp-project.ts';

after(removeAll);

function copyOf(name: string, requirements: string): string {
  const dir = tempDir('preflight-dialects-');
  cpSync(fixture(name), dir, { recursive: true });
  writeFileSync(join(dir, 'requirements.txt'), requirements);
  return dir;
}

test('--database sqlite,postgres: both run, findings say where they hold, the report lists both databases', async () => {
  const run = await runCli(['check', fixture('irreversible'), '--database', 'sqlite,postgres', '--python', venvPython(), '--format', 'json', '--checks', 'graph,upgrade,stairway']);
  assert.equal(run.code, 1, run.stderr.slice(-2000));
  const r = run.report!;
  assert.deepEqual(r.environment.databases?.map((d) => d.dialect), ['sqlite', 'postgresql']);
  const stairway = check(r, 'stairway').findings;
  // The `pass` downgrade of 5050ce1b399f leaves its column on both: one finding, no dialect tag.
  const left = stairway.filter((f) => f.code === 'stairway/downgrade-leaves-trace');
  assert.equal(left.length, 1, JSON.stringify(stairway, null, 1));
  assert.equal(left[0]!.dialects, undefined);
  // The re-upgrade fails on both, with each database's own error: one finding per dialect, tagged.
  const reup = stairway.filter((f) => f.code === 'stairway/reupgrade-failed');
  assert.deepEqual(reup.map((f) => f.dialects).sort(), [['postgresql'], ['sqlite']]);
  const text = await runCli(['check', fixture('irreversible'), '--database', 'sqlite,postgres', '--python', venvPython(), '--checks', 'graph,upgrade,stairway']);
  assert.match(text.stdout, /SQLite [\d.]+ \(sqlite.*\) \+ PostgreSQL [\d.]+ \(postgres-/);
  assert.match(text.stdout, /on PostgreSQL only/);
});

test('auto on a SQLite project that names PostgreSQL in its requirements checks both, and says why', async () => {
  const dir = copyOf('irreversible', 'alembic\nSQLAlchemy\npsycopg2-binary\n');
  const run = await runCli(['check', dir, '--python', venvPython(), '--format', 'json', '--checks', 'graph,upgrade,stairway']);
  assert.deepEqual(run.report!.environment.databases?.map((d) => d.dialect), ['sqlite', 'postgresql'], run.stderr.slice(-1500));
  assert.match(run.report!.environment.databasesReason ?? '', /requirements\.txt names psycopg2-binary/);
});

test('auto on a SQLite project that names no PostgreSQL checks SQLite only', async () => {
  const dir = copyOf('irreversible', 'alembic\nSQLAlchemy\n');
  const run = await runCli(['check', dir, '--python', venvPython(), '--format', 'json', '--checks', 'graph,upgrade']);
  assert.equal(run.report!.environment.database?.dialect, 'sqlite');
  assert.equal(run.report!.environment.databases, undefined);
  assert.equal(run.code, 0, run.stderr.slice(-1500));
});

test('auto: a project whose env.py cannot run on PostgreSQL gets a notice, not a failure', async () => {
  const dir = copyOf('irreversible', 'alembic\npsycopg2-binary\n');
  const env = join(dir, 'migrations', 'env.py');
  writeFileSync(env, `import os\nif "postgresql" in os.environ.get("DATABASE_URL", ""):\n    raise RuntimeError("this app runs on SQLite only")\n${(await import('node:fs')).readFileSync(env, 'utf8')}`);
  const run = await runCli(['check', dir, '--python', venvPython(), '--format', 'json', '--checks', 'graph,upgrade']);
  assert.equal(run.code, 0, run.stderr.slice(-1500));
  const notice = check(run.report!, 'graph').findings.find((f) => f.code === 'graph/dialect-not-checked');
  assert.equal(notice?.severity, 'notice');
  assert.match(notice!.message, /PostgreSQL was not checked .*this app runs on SQLite only/);
});
