// [tool.alembic-preflight.data] through the real CLI, on SQLite and real PostgreSQL: hand-written seeds go in before
// their revision's upgrade and assertions run after it; every assertion's result is in the data check's summary; a
// wrong backfill is caught by an SQL assertion (with its offending row) and a Python check; a seed that fails is an
// error naming the file and the revision; the section turns the data check on unless --checks leaves it out; a bad
// section stops the run with exit 2 naming pyproject.toml and the key.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Report } from '../../src/report/model.ts';
import { check, runCli } from '../support/cli.ts';
import { fixture, venvPython } from '../support/env.ts';

const DATABASES = [['sqlite', 'sqlite'], ['postgresql', 'postgres-local']] as const;
const work = mkdtempSync(join(tmpdir(), 'preflight-data-hand-'));
after(() => rmSync(work, { recursive: true, force: true }));

async function run(dir: string, database: string, checks: string | null = 'upgrade,stairway,data') {
  const r = await runCli(['check', dir, '--database', database, '--python', venvPython(), '--format', 'json',
    ...(checks ? ['--checks', checks] : [])]);
  assert.ok(r.report, r.stderr);
  return { code: r.code, report: r.report as Report, stderr: r.stderr };
}

/** A copy of a fixture with its pyproject.toml replaced (and extra files written). */
function variant(name: string, from: string, pyproject: string, files: Record<string, string> = {}): string {
  const dir = join(work, name);
  cpSync(fixture(from), dir, { recursive: true });
  writeFileSync(join(dir, 'pyproject.toml'), pyproject);
  for (const [rel, text] of Object.entries(files)) writeFileSync(join(dir, rel), text);
  return dir;
}

for (const [dialect, database] of DATABASES) {
  test(`${dialect}: data-hand-pass: the seeds go in, every assertion passes and is listed`, async () => {
    const { code, report, stderr } = await run(fixture('data-hand-pass'), database);
    assert.equal(code, 0, stderr);
    const data = check(report, 'data');
    assert.deepEqual(data.findings, []);
    assert.equal(data.status, 'passed');
    assert.match(data.reason ?? '', /5 of 5 assertions passed/);
    assert.deepEqual(data.summary, [
      'revision 7c0a2e4d6f81: assertion tests/data/no_plan_missing.sql passed',
      'revision 7c0a2e4d6f81: assertion tests/data/paid_user_kept.sql passed',
      'revision 7c0a2e4d6f81: assertion tests/data/checks.py:check_pro_kept passed',
      "revision e9d3b5f7a124: assertion SELECT plan, count(*) AS n FROM users GROUP BY plan HAVING plan NOT IN ('free', 'pro') passed",
      // check() counts the users: the four seeded ones (two .sql files and a Python seed), no generated rows.
      'revision e9d3b5f7a124: assertion tests/data/checks.py:check passed',
    ]);
    assert.equal(check(report, 'stairway').status, 'passed');
  });

  test(`${dialect}: data-hand-wrong-backfill: the SQL assertion shows the overwritten row, the Python check raises`, async () => {
    const { code, report } = await run(fixture('data-hand-wrong-backfill'), database);
    assert.equal(code, 1);
    const data = check(report, 'data');
    const failed = data.findings.filter((f) => f.code === 'data/assertion-fails');
    assert.deepEqual(failed.map((f) => [f.severity, f.revision, f.file]), [
      ['error', '7c0a2e4d6f81', 'tests/data/paid_user_kept.sql'],
      ['error', '7c0a2e4d6f81', 'tests/data/checks.py'],
    ]);
    assert.match(failed[0]!.message, /assertion tests\/data\/paid_user_kept\.sql fails after the upgrade of revision 7c0a2e4d6f81: returned 1 offending row/);
    assert.deepEqual(failed[0]!.details, ['offending row: {"id": 3, "email": "cy@example.com", "plan": "free"}']);
    assert.match(failed[0]!.sql ?? '', /plan <> 'pro'/);
    assert.match(failed[1]!.message, /cy@example\.com was on the pro plan before the backfill, now 'free'/);
    assert.match(data.reason ?? '', /3 of 5 assertions passed/);
    assert.ok(data.summary?.includes('revision 7c0a2e4d6f81: assertion tests/data/no_plan_missing.sql passed'));
    // The same rows also show the rollback cannot give the plan back (the backfill's downgrade is `pass`).
    assert.ok(data.findings.some((f) => f.code === 'data/lost-on-rollback' && f.severity === 'warning'));
    assert.equal(check(report, 'upgrade').status, 'passed');
  });

  test(`${dialect}: data-hand-bad-seed: the seed fails before its revision, its assertion is not run`, async () => {
    const { code, report } = await run(fixture('data-hand-bad-seed'), database);
    assert.equal(code, 1);
    const data = check(report, 'data');
    assert.deepEqual(data.findings.map((f) => [f.code, f.severity, f.revision, f.file]),
      [['data/seed-fails', 'error', '4b8e6a2c0d19', 'tests/data/users_with_plan.sql']]);
    assert.match(data.findings[0]!.message, dialect === 'sqlite' ? /table users has no column named plan/ : /column "plan" of relation "users" does not exist/);
    assert.ok(data.summary?.some((l) => /assertion SELECT id FROM users WHERE plan IS NOT NULL not run \(a seed of this revision failed\)/.test(l)));
  });

  test(`${dialect}: an upgrade that fails on the hand-written rows is a data/upgrade-fails-on-rows with the row`, async () => {
    const dir = variant(`null-plan-${dialect}`, 'data-hand-pass', `
[tool.alembic-preflight.data.revisions."e9d3b5f7a124"]
seed = ["tests/data/no_plan.sql"]
assert = ["tests/data/no_plan_missing.sql"]
`, { 'tests/data/no_plan.sql': "INSERT INTO users (id, email, name) VALUES (7, 'eve@example.com', 'Eve');\n" });
    const { code, report } = await run(dir, database);
    assert.equal(code, 1);
    const data = check(report, 'data');
    const failure = data.findings.find((f) => f.code === 'data/upgrade-fails-on-rows');
    assert.ok(failure, JSON.stringify(data.findings));
    assert.equal(failure.revision, 'e9d3b5f7a124');
    assert.match(failure.details?.[0] ?? '', /"email": "eve@example\.com"/);
    // The step was tried again without the rows: the assertion did not run on tables it did not seed.
    assert.ok(data.summary?.some((l) => /assertion tests\/data\/no_plan_missing\.sql not run \(the upgrade failed on the rows/.test(l)), JSON.stringify(data.summary));
    assert.equal(check(report, 'stairway').status, 'passed');
  });
}

test('the section turns the data check on when no checks are named; --checks without data leaves it off', async () => {
  const all = await run(fixture('data-hand-pass'), 'sqlite', null);
  assert.equal(all.code, 0, all.stderr);
  assert.equal(check(all.report, 'data').status, 'passed');
  const named = await run(fixture('data-hand-pass'), 'sqlite', 'upgrade,stairway');
  assert.equal(named.code, 0, named.stderr);
  assert.ok(!named.report.checks.some((c) => c.id === 'data'));
});

test('the report lists the assertions in the PR comment markdown too', async () => {
  const { renderMarkdown } = await import('../../src/report/markdown.ts');
  const { report } = await run(fixture('data-hand-wrong-backfill'), 'sqlite');
  const md = renderMarkdown(report).replace(/\\_/g, '_');
  assert.match(md, /- revision 7c0a2e4d6f81: assertion tests\/data\/no_plan_missing\.sql passed/);
  assert.match(md, /- revision 7c0a2e4d6f81: assertion tests\/data\/paid_user_kept\.sql failed: returned 1 offending row/);
});

const BAD: { name: string; pyproject: string; message: RegExp }[] = [
  {
    name: 'missing-file',
    pyproject: '[tool.alembic-preflight.data.revisions."7c0a2e4d6f81"]\nassert = ["tests/data/nowhere.sql"]\n',
    message: /\[tool\.alembic-preflight\.data\.revisions\."7c0a2e4d6f81"\] assert: file tests\/data\/nowhere\.sql does not exist/,
  },
  {
    name: 'unknown-revision',
    pyproject: '[tool.alembic-preflight.data.revisions."deadbeef"]\nassert = ["tests/data/no_plan_missing.sql"]\n',
    message: /\[tool\.alembic-preflight\.data\.revisions\."deadbeef"\]: no revision "deadbeef" in this project/,
  },
  {
    name: 'unknown-key',
    pyproject: '[tool.alembic-preflight.data.revisions."7c0a2e4d6f81"]\nasserts = ["tests/data/no_plan_missing.sql"]\n',
    message: /unknown key "asserts" in \[tool\.alembic-preflight\.data\.revisions\."7c0a2e4d6f81"\] \(known: seed, assert, rows\)/,
  },
];
for (const c of BAD) {
  test(`a bad [tool.alembic-preflight.data] (${c.name}) stops the run with exit 2, naming pyproject.toml and the key`, async () => {
    const dir = variant(`bad-${c.name}`, 'data-hand-pass', c.pyproject);
    const r = await runCli(['check', dir, '--database', 'sqlite', '--python', venvPython()]);
    const out = `${r.stdout}${r.stderr}`;
    assert.equal(r.code, 2, out);
    assert.match(out, c.message);
    assert.match(out, /pyproject\.toml/);
  });
}

// Each assertion runs right after its own revision, also on a history with two branches and a merge: the version
// table holds that revision when the assertion asks (the driver finds the next revision from alembic_version).
const BRANCHED = ['c841d6d0a918', '4b9f71b19971', 'ec29c8f9d4c3', 'd0292ebd1761', '2436d6db0561', 'a77f8dd87c5b'];
for (const [dialect, database] of DATABASES) {
  test(`${dialect}: on a branched and merged history every assertion runs at its own revision`, async () => {
    const dir = variant(`branched-${dialect}`, 'merged-branch', BRANCHED.map((r) =>
      `[tool.alembic-preflight.data.revisions."${r}"]\nassert = ["SELECT '${r}' AS missing WHERE NOT EXISTS (SELECT 1 FROM alembic_version WHERE version_num = '${r}')"]\n`).join(''));
    const { code, report, stderr } = await run(dir, database);
    assert.equal(code, 0, stderr);
    const data = check(report, 'data');
    assert.deepEqual(data.findings, []);
    assert.equal(data.summary?.length, BRANCHED.length);
    assert.ok(data.summary?.every((l) => l.endsWith(' passed')), JSON.stringify(data.summary));
  });
}

// pytest-alembic's revision data written in pyproject.toml: `rows = { table = [{...}] }`, each row inserted with its
// own columns (created_at, left out, takes its server default).
const ROWS = `
[tool.alembic-preflight.data.revisions."4b8e6a2c0d19"]
rows = { users = [{ id = 1, email = "ada@example.com", name = "Ada", city = "London" }, { id = 2, email = "bob@example.com", name = "Bob" }] }

[tool.alembic-preflight.data.revisions."7c0a2e4d6f81"]
rows = { users = [{ id = 3, email = "cy@example.com", name = "Cy", plan = "pro" }] }
assert = ["tests/data/paid_user_kept.sql", "SELECT id FROM users WHERE created_at IS NULL", "SELECT count(*) AS n FROM users HAVING count(*) <> 3"]
`;
for (const [dialect, database] of DATABASES) {
  test(`${dialect}: rows written in pyproject.toml go in like a seed file; the wrong backfill is caught on them`, async () => {
    const pass = await run(variant(`rows-pass-${dialect}`, 'data-hand-pass', ROWS), database);
    assert.equal(pass.code, 0, pass.stderr);
    assert.deepEqual(check(pass.report, 'data').findings, []);
    assert.match(check(pass.report, 'data').reason ?? '', /3 of 3 assertions passed/);
    const wrong = await run(variant(`rows-wrong-${dialect}`, 'data-hand-wrong-backfill', ROWS), database);
    assert.equal(wrong.code, 1);
    const failed = check(wrong.report, 'data').findings.filter((f) => f.code === 'data/assertion-fails');
    assert.deepEqual(failed.map((f) => [f.file, f.details]), [['tests/data/paid_user_kept.sql', ['offending row: {"id": 3, "email": "cy@example.com", "plan": "free"}']]]);
  });
}

// An async project (asyncpg, the async env.py template): asyncpg prepares what it is given, and a prepared statement
// holds one command, so a seed file with several statements failed ("cannot insert multiple commands into a
// prepared statement"). The file now goes through asyncpg's simple query protocol, in the same transaction.
test('postgresql through asyncpg: data-hand-pass with an async env.py, its two-statement seed file included', async () => {
  const dir = join(work, 'asyncpg');
  cpSync(fixture('data-hand-pass'), dir, { recursive: true });
  const ini = join(dir, 'alembic.ini');
  writeFileSync(ini, readFileSync(ini, 'utf8').replace(/^sqlalchemy\.url = .*$/m, 'sqlalchemy.url = postgresql+asyncpg://app:secret@localhost:5432/app'));
  writeFileSync(join(dir, 'migrations', 'env.py'), [
    'import asyncio', 'import os', '', 'from alembic import context', 'from sqlalchemy import pool',
    'from sqlalchemy.ext.asyncio import async_engine_from_config', '', 'config = context.config', 'target_metadata = None', '', '',
    'def do_run_migrations(connection):', '    context.configure(connection=connection, target_metadata=target_metadata)',
    '    with context.begin_transaction():', '        context.run_migrations()', '', '',
    'async def run_async_migrations():', '    section = config.get_section(config.config_ini_section, {})',
    '    section["sqlalchemy.url"] = os.environ.get("DATABASE_URL") or section["sqlalchemy.url"]',
    '    connectable = async_engine_from_config(section, prefix="sqlalchemy.", poolclass=pool.NullPool)',
    '    async with connectable.connect() as connection:', '        await connection.run_sync(do_run_migrations)',
    '    await connectable.dispose()', '', '', 'asyncio.run(run_async_migrations())', ''].join('\n'));
  const { code, report, stderr } = await run(dir, 'postgres-local');
  assert.equal(code, 0, `${stderr.slice(-2000)}\n${JSON.stringify(check(report, 'data').findings, null, 1)}`);
  const data = check(report, 'data');
  assert.match(data.reason ?? '', /5 of 5 assertions passed/);
  // check() counts the users: both rows of the two-statement file went in, as on psycopg2.
  assert.ok((data.summary ?? []).includes('revision e9d3b5f7a124: assertion tests/data/checks.py:check passed'), JSON.stringify(data.summary));
});
