// The hand-written assertions' verdicts proven with plain Alembic, without alembic-preflight: separate `alembic
// upgrade <rev>` commands, the same seed files run with sqlite3 / psql before the revisions the pyproject.toml names,
// and the assertion files run with sqlite3 / psql after theirs return the same rows as the report's offending rows
// (none where the report says passed).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { provisionPostgresLocal } from '../../src/database/postgres-local.ts';
import type { ThrowawayDatabase } from '../../src/database/provider.ts';
import { check, runCli } from '../support/cli.ts';
import { fixture, venvPython } from '../support/env.ts';

function alembic(project: string, url: string, ...args: string[]) {
  const run = spawnSync(join(dirname(venvPython()), 'alembic'), args, {
    cwd: fixture(project), encoding: 'utf8', env: { ...process.env, DATABASE_URL: url },
  });
  assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
}

/** Runs SQL through the database's own client; the rows as `a|b|c` lines. */
type Client = (sql: string) => string[];

function sqlite3(file: string): Client {
  return (sql) => {
    const run = spawnSync('sqlite3', [file], { input: sql, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    return run.stdout.split('\n').filter(Boolean);
  };
}

function psql(url: string): Client {
  return (sql) => {
    const run = spawnSync('psql', [url, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1'], { input: sql, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    return run.stdout.split('\n').filter(Boolean);
  };
}

const file = (project: string, rel: string) => readFileSync(join(fixture(project), rel), 'utf8');

/** The seeds and upgrades as data-hand-*'s pyproject.toml orders them, up to the backfill; then its assertions. */
function plainRun(project: string, url: string, sql: Client): Record<string, string[]> {
  alembic(project, url, 'upgrade', '3a1f0c2d9b10');
  sql(file(project, 'tests/data/users.sql'));
  alembic(project, url, 'upgrade', '4b8e6a2c0d19');
  sql(file(project, 'tests/data/paid_user.sql'));
  alembic(project, url, 'upgrade', '7c0a2e4d6f81');
  return {
    'tests/data/no_plan_missing.sql': sql(file(project, 'tests/data/no_plan_missing.sql')),
    'tests/data/paid_user_kept.sql': sql(file(project, 'tests/data/paid_user_kept.sql')),
  };
}

/** The report's verdict per SQL assertion of revision 7c0a2e4d6f81, rows as `a|b|c` lines like the clients print. */
async function preflight(project: string, database: string): Promise<Record<string, string[]>> {
  const run = await runCli(['check', fixture(project), '--database', database, '--python', venvPython(),
    '--checks', 'upgrade,data', '--format', 'json']);
  assert.ok(run.report, run.stderr);
  const data = check(run.report, 'data');
  const out: Record<string, string[]> = {};
  for (const name of ['tests/data/no_plan_missing.sql', 'tests/data/paid_user_kept.sql']) {
    const passed = data.summary?.includes(`revision 7c0a2e4d6f81: assertion ${name} passed`);
    const f = data.findings.find((x) => x.code === 'data/assertion-fails' && x.file === name);
    assert.ok(passed !== Boolean(f), `${name}: one verdict`);
    const rows = (f?.evidence?.rows ?? []) as Record<string, unknown>[];
    out[name] = rows.map((r) => Object.values(r).map((v) => String(v)).join('|'));
  }
  return out;
}

let work: string;
let pg: ThrowawayDatabase;
before(async () => {
  work = mkdtempSync(join(tmpdir(), 'data-hand-proof-'));
  pg = await provisionPostgresLocal({});
});
after(async () => {
  await pg?.dispose();
  rmSync(work, { recursive: true, force: true });
});

for (const project of ['data-hand-wrong-backfill', 'data-hand-pass']) {
  test(`SQLite: ${project}: the assertions return the same rows under plain Alembic + sqlite3 as in the report`, async () => {
    const db = join(work, `${project}.db`);
    const plain = plainRun(project, `sqlite:///${db}`, sqlite3(db));
    assert.deepEqual(await preflight(project, 'sqlite'), plain);
    if (project === 'data-hand-wrong-backfill') assert.deepEqual(plain['tests/data/paid_user_kept.sql'], ['3|cy@example.com|free']);
    else assert.deepEqual(plain['tests/data/paid_user_kept.sql'], []);
  });

  test(`PostgreSQL: ${project}: the assertions return the same rows under plain Alembic + psql as in the report`, async () => {
    const client = psql(pg.url);
    client('DROP TABLE IF EXISTS users; DROP TABLE IF EXISTS alembic_version;');
    const plain = plainRun(project, pg.url.replace(/^postgres(ql)?:\/\//, 'postgresql+psycopg2://'), client);
    assert.deepEqual(await preflight(project, 'postgres-local'), plain);
    if (project === 'data-hand-wrong-backfill') assert.deepEqual(plain['tests/data/paid_user_kept.sql'], ['3|cy@example.com|free']);
    else assert.deepEqual(plain['tests/data/paid_user_kept.sql'], []);
  });
}
