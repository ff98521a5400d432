// The real CLI on the fixtures with SQLite throwaway databases: graph, upgrade, stairway, round trip, exit codes.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { check, runCli } from '../support/cli.ts';
import { fixture, hasOldVenv, venvPython } from '../support/env.ts';

const sqlite = (name: string, ...extra: string[]) =>
  runCli(['check', fixture(name), '--database', 'sqlite', '--python', venvPython(), '--format', 'json', ...extra]);

test('healthy passes every check on SQLite, exit 0, with paths relative to the project', async () => {
  const run = await sqlite('healthy');
  assert.equal(run.code, 0, run.stderr);
  const r = run.report!;
  assert.equal(r.version, 1);
  assert.equal(r.status, 'passed');
  for (const id of ['graph', 'upgrade', 'roundtrip', 'stairway', 'drift', 'models-registered', 'lint']) assert.equal(check(r, id).status, 'passed', id);
  assert.deepEqual(r.counts, { error: 0, warning: 0, notice: 0 }, 'a healthy project has no finding at all');
  assert.equal(r.environment.database?.provider, 'sqlite');
  assert.ok(r.revisions.length >= 5);
  for (const rev of r.revisions) assert.match(rev.file, /^migrations\/versions\/[0-9a-f]{12}_\w+\.py$/);
});

test('healthy passes on the oldest supported combination (Alembic 1.8, SQLAlchemy 1.4)', async (t) => {
  if (!hasOldVenv()) return t.skip('no .venv-old: run scripts/setup-python.sh without PREFLIGHT_SKIP_OLD');
  const run = await runCli(['check', fixture('healthy'), '--database', 'sqlite', '--python', venvPython('old'), '--format', 'json']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.report!.environment.alembic?.startsWith('1.8'), true);
  assert.equal(check(run.report!, 'stairway').status, 'passed');
});

test('async SQLite project with batch mode (seed 000 layout) passes with auto database', async () => {
  const run = await runCli(['check', fixture('async-sqlite'), '--python', venvPython(), '--format', 'json']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.report!.environment.database?.provider, 'sqlite');
  assert.equal(check(run.report!, 'roundtrip').status, 'passed');
});

test('two heads: graph fails naming both files and the merge command; exit 1', async () => {
  const run = await sqlite('two-heads');
  assert.equal(run.code, 1, run.stderr);
  const f = check(run.report!, 'graph').findings.find((x) => x.code === 'graph/multiple-heads');
  assert.ok(f, 'multiple-heads finding');
  assert.equal((f.message.match(/migrations\/versions\//g) ?? []).length, 2);
  assert.match(f.hint ?? '', /alembic merge/);
});

test('a merged branch is walked through the merge and passes', async () => {
  const run = await sqlite('merged-branch');
  assert.equal(run.code, 0, run.stderr);
  assert.ok(run.report!.revisions.some((r) => r.isMerge));
  assert.equal(check(run.report!, 'stairway').status, 'passed');
});

test('a `pass` downgrade is run and judged by the snapshots; only a raising downgrade is irreversible', async () => {
  const run = await sqlite('irreversible');
  // 5050ce1b399f adds last_seen_at and its downgrade is `pass`: plain `alembic downgrade -1 && alembic upgrade +1`
  // fails with "duplicate column name", so this is an error, not an "irreversible" warning.
  assert.equal(run.code, 1, run.stderr);
  const stairway = check(run.report!, 'stairway').findings;
  const irreversible = stairway.filter((f) => f.code === 'stairway/irreversible');
  assert.deepEqual(irreversible.map((f) => [f.revision, f.line]), [['bfdef0574a81', 24]]);
  assert.match(irreversible[0]!.message, /only raises/);
  const left = stairway.find((f) => f.code === 'stairway/downgrade-leaves-trace');
  assert.equal(left?.revision, '5050ce1b399f');
  assert.ok(left!.details!.some((d) => /last_seen_at/.test(d)), JSON.stringify(left));
  const reup = stairway.find((f) => f.code === 'stairway/reupgrade-failed');
  assert.equal(reup?.revision, '5050ce1b399f');
  assert.match(reup!.message, /duplicate column/i);
  assert.match(check(run.report!, 'roundtrip').reason ?? '', /went down to bfdef0574a81/);
});

test('--min-downgrade-revision: revisions up to the floor are not downgraded, and the round trip stops there', async () => {
  // (Its unique index over non-unique emails fails on rows: the data check's finding, not this test's subject.)
  const run = await sqlite('irreversible', '--min-downgrade-revision', 'bfdef0574a81', '--fail-on', 'warning', '--checks', 'graph,upgrade,roundtrip,stairway');
  assert.equal(run.code, 0, run.stdout);
  assert.deepEqual(check(run.report!, 'stairway').findings, []);
  assert.match(check(run.report!, 'roundtrip').reason ?? '', /went down to bfdef0574a81/);
  const unknown = await sqlite('irreversible', '--min-downgrade-revision', 'nope');
  assert.equal(unknown.code, 2);
  assert.match(unknown.report!.error?.message ?? '', /min-downgrade-revision "nope" is not a revision/);
});

test('an env.py that hard-codes another SQLite database is refused, exit 2, and that file is never created', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-prod-'));
  const prod = join(dir, 'prod.db');
  try {
    const run = await runCli(['check', fixture('hardcoded-url-sqlite'), '--database', 'sqlite', '--python', venvPython()], {
      env: { FIXTURE_PROD_SQLITE: prod },
    });
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stdout, /env\.py/);
    assert.match(run.stdout, /sqlalchemy\.url|DATABASE_URL/);
    assert.equal(existsSync(prod), false, 'the other database must not be touched');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('graph errors: dangling down_revision, cycle and duplicate ids are reported with the file at fault', async (t) => {
  for (const [name, code] of [['dangling-down-revision', 'graph/dangling-down-revision'], ['cycle', 'graph/cycle'], ['duplicate-revision', 'graph/duplicate-revision']] as const) {
    if (!existsSync(fixture(name))) {
      t.diagnostic(`fixture ${name} missing`);
      assert.fail(`fixture ${name} missing`);
    }
    const run = await sqlite(name);
    assert.equal(run.code, 1, `${name}: ${run.stderr}`);
    const f = check(run.report!, 'graph').findings.find((x) => x.code === code);
    assert.ok(f, `${name}: ${code}`);
    assert.match(f.file ?? '', /^migrations\/versions\//);
    assert.equal(check(run.report!, 'upgrade').status, 'skipped');
  }
});

test('a migration with a syntax error: exit 2 naming the file and line', async () => {
  const run = await sqlite('migration-syntax-error');
  assert.equal(run.code, 2, run.stderr);
  const f = check(run.report!, 'graph').findings.find((x) => x.code === 'graph/load-error');
  assert.ok(f);
  assert.match(f.file ?? '', /\.py$/);
  assert.ok(f.line && f.line > 1);
  assert.match(run.stderr, /\.py/);
});

test('an env.py that fails to import: exit 2 naming env.py', async () => {
  const run = await sqlite('env-import-error');
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /env\.py/);
  assert.match(run.stderr, /app\.settings|No module named/);
});

test('bad input: unknown check and missing directory exit 2 with the input named', async () => {
  const a = await runCli(['check', fixture('healthy'), '--checks', 'upgrade,bogus']);
  assert.equal(a.code, 2);
  assert.match(a.stderr, /bogus/);
  const b = await runCli(['check', join(tmpdir(), 'no-such-project-dir')]);
  assert.equal(b.code, 2);
  assert.match(b.stderr, /does not exist/);
});

test('stairway findings can be ignored with a reason on the def downgrade line, as lint findings can', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-ignore-'));
  try {
    cpSync(fixture('irreversible'), dir, { recursive: true });
    const file = join(dir, 'migrations', 'versions', '5050ce1b399f_add_last_seen.py');
    writeFileSync(file, readFileSync(file, 'utf8').replace('def downgrade():', 'def downgrade():  # preflight: ignore[stairway] the column stays on purpose'));
    // The data check's finding (the unique index of 1adbc62d2eba fails on rows that repeat an email) the same way.
    const unique = join(dir, 'migrations', 'versions', '1adbc62d2eba_unique_email_index.py');
    writeFileSync(unique, readFileSync(unique, 'utf8').replace('def downgrade():', 'def downgrade():  # preflight: ignore[data] emails are unique in production'));
    // Every check, `data` (asked for by name) included.
    const run = await runCli(['check', dir, '--database', 'sqlite', '--python', venvPython(), '--format', 'json',
      '--checks', 'graph,upgrade,roundtrip,stairway,data,drift,models-registered,lint']);
    const stairway = check(run.report!, 'stairway');
    assert.deepEqual(stairway.findings.filter((f) => f.revision === '5050ce1b399f'), []);
    assert.match(stairway.reason ?? '', /ignored by preflight: ignore \(.*the column stays on purpose/);
    assert.deepEqual(check(run.report!, 'lint').findings.filter((f) => f.code === 'unused-ignore'), [], 'lint leaves stairway ids alone');
    assert.deepEqual(check(run.report!, 'data').findings, []);
    assert.match(check(run.report!, 'data').reason ?? '', /ignored by preflight: ignore \(.*emails are unique in production/);
    assert.equal(run.code, 0, run.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an env.py that never runs the migrations is a failed upgrade, not a pass (plain alembic applies nothing either)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-emptyenv-'));
  try {
    cpSync(fixture('irreversible'), dir, { recursive: true });
    writeFileSync(join(dir, 'migrations', 'env.py'), 'from alembic import context  # online branch forgotten\n');
    const run = await runCli(['check', dir, '--database', 'sqlite', '--python', venvPython(), '--format', 'json', '--checks', 'graph,upgrade,stairway']);
    assert.equal(run.code, 1, run.stderr.slice(-1500));
    const f = check(run.report!, 'upgrade').findings[0];
    assert.equal(f?.code, 'upgrade/not-applied');
    assert.match(f!.message, /applied no revision/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
