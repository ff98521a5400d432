// Lock time at production sizes, through the real CLI on real PostgreSQL (postgres-local) with real Alembic:
// fixtures/lock-time has a rewrite (users.age integer -> bigint) and a cheap change (ADD COLUMN nullable). The
// estimate appears for the rewrite only, scales with the table size given, fails the run above max-lock-seconds,
// and takes its size from the report of a real `drift` run on a live database when pyproject gives none.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';
import { provisionPostgresLocal } from '../../src/database/postgres-local.ts';
import type { Finding, Report } from '../../src/report/model.ts';
import { check, runCli } from '../support/cli.ts';
import { fixture, repoRoot, venvPython } from '../support/env.ts';

const REWRITE = 'c4e6a8b0d2f3';
const CHEAP = '7b2d4f6a8c10';
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A copy of fixtures/lock-time with its own pyproject.toml (none when null). */
function project(pyproject: string | null): string {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-lock-time-'));
  dirs.push(dir);
  cpSync(fixture('lock-time'), dir, { recursive: true });
  rmSync(join(dir, 'pyproject.toml'), { force: true });
  if (pyproject !== null) writeFileSync(join(dir, 'pyproject.toml'), pyproject);
  return dir;
}

interface LockTime { usPerRow: number; measuredRows: number; productionRows: number; estimatedSeconds: number; sizeSource: string; lockMode: string }

function estimated(report: Report): { finding: Finding; lockTime: LockTime }[] {
  return check(report, 'lint').findings.filter((f) => f.evidence?.lockTime && f.code !== 'lock-time-exceeds').map((finding) => ({ finding, lockTime: finding.evidence!.lockTime as LockTime }));
}

async function lint(dir: string, ...args: string[]) {
  return runCli(['check', dir, '--database', 'postgres-local', '--python', venvPython(), '--checks', 'lint', '--format', 'json', ...args]);
}

function assertMeasured(report: Report, rows: number): LockTime {
  const found = estimated(report);
  const shown = check(report, 'lint').findings.map((f) => `${f.code} ${f.revision} ${JSON.stringify(f.evidence?.lockTime)}`).join('\n');
  // The rewrite, and only the rewrite: the nullable ADD COLUMN and the CREATE TABLE get no estimate.
  assert.deepEqual(found.map((e) => `${e.finding.code} ${e.finding.revision}`), [`column-type-change ${REWRITE}`], shown);
  assert.ok(!check(report, 'lint').findings.some((f) => f.revision === CHEAP && f.evidence?.lockTime), shown);
  const { finding, lockTime } = found[0]!;
  assert.ok(Number.isFinite(lockTime.usPerRow) && lockTime.usPerRow > 0, `per-row cost ${lockTime.usPerRow}`);
  assert.ok(lockTime.measuredRows >= 10_000, `measured on ${lockTime.measuredRows} rows`);
  assert.equal(lockTime.productionRows, rows);
  assert.equal(lockTime.lockMode, 'AccessExclusiveLock');
  assert.ok(Math.abs(lockTime.estimatedSeconds - (lockTime.usPerRow * rows) / 1e6) < 1e-9);
  const line = finding.details?.find((d) => d.startsWith('Lock time:'));
  assert.match(line ?? '', /^Lock time: measured [\d.]+ µs\/row on [\d,]+ rows; users at [\d.]+M rows ≈ [\d.]+ (s|min|h) under ACCESS EXCLUSIVE \(size from /, shown);
  return lockTime;
}

test('estimates for the rewrite only, scaling with the size; max-lock-seconds fails the run (flag over pyproject)', async () => {
  const small = project('[tool.alembic-preflight]\nmax-lock-seconds = 100000\n[tool.alembic-preflight.table-sizes]\nusers = 5_000_000\n');
  const a = await lint(small);
  assert.equal(a.code, 0, a.stderr);
  const at5M = assertMeasured(a.report!, 5_000_000);
  assert.ok(!check(a.report!, 'lint').findings.some((f) => f.code === 'lock-time-exceeds'));

  const big = project('[tool.alembic-preflight]\nmax-lock-seconds = 100000\n[tool.alembic-preflight.table-sizes]\n"public.users" = "50M"\n');
  const out = join(big, 'report.json');
  const sarif = join(big, 'report.sarif');
  const b = await lint(big, '--max-lock-seconds', '1', '--output', out, '--sarif', sarif);
  assert.equal(b.code, 1, b.stderr);
  const at50M = assertMeasured(b.report!, 50_000_000);
  // Two measurements, so not exactly 10x; a size that was not used would give ~1x.
  const ratio = at50M.estimatedSeconds / at5M.estimatedSeconds;
  assert.ok(ratio > 2.5 && ratio < 40, `estimate(50M) / estimate(5M) = ${ratio}`);

  const lintCheck = check(b.report!, 'lint');
  assert.equal(lintCheck.status, 'failed');
  const exceeds = lintCheck.findings.filter((f) => f.code === 'lock-time-exceeds');
  assert.equal(exceeds.length, 1);
  assert.equal(exceeds[0]!.severity, 'error');
  assert.equal(exceeds[0]!.revision, REWRITE);
  assert.equal(exceeds[0]!.line, 23);
  assert.match(exceeds[0]!.message, /holds ACCESS EXCLUSIVE on users for about .* at 50M rows, above max-lock-seconds = 1/);
  assert.equal((exceeds[0]!.evidence!.lockTime as { maxLockSeconds: number }).maxLockSeconds, 1);
  assert.equal(b.report!.counts.error, 1);

  // Every report format carries the estimate.
  assert.match(readFileSync(sarif, 'utf8'), /µs\/row on [\d,]+ rows; users at 50M rows/);
  const markdown = await runCli(['render', '--format', 'markdown', out]);
  assert.match(markdown.stdout, /µs\/row on [\d,]+ rows; users at 50M rows ≈ .* under ACCESS EXCLUSIVE/);
  const text = await runCli(['render', '--format', 'text', out, '--color', 'never']);
  assert.match(text.stdout, /lock-time-exceeds/);
  assert.match(text.stdout, /Lock time: measured/);
});

test('without sizes nothing is measured; on SQLite nothing is estimated', async () => {
  const none = await lint(project(null), '--max-lock-seconds', '1');
  assert.equal(none.code, 0, none.stderr);
  assert.deepEqual(estimated(none.report!), []);
  assert.doesNotMatch(none.stderr, /lock time: measuring/);

  const sized = project('[tool.alembic-preflight.table-sizes]\nusers = 50_000_000\n');
  const sqlite = await runCli(['check', sized, '--database', 'sqlite', '--python', venvPython(), '--checks', 'lint', '--format', 'json', '--max-lock-seconds', '1']);
  // The fixture is PostgreSQL's: SQLite's only error is its ALTER COLUMN, never a lock time.
  assert.deepEqual(check(sqlite.report!, 'lint').findings.filter((f) => f.severity === 'error').map((f) => f.code), ['sqlite-alter-needs-batch']);
  assert.ok(!check(sqlite.report!, 'lint').findings.some((f) => f.evidence?.lockTime), sqlite.stdout);
});

test('table sizes from a real drift run on a live database, read back by the PR check', async () => {
  const live = await provisionPostgresLocal({ tcp: true });
  try {
    execFileSync(join(repoRoot, '.venv', 'bin', 'alembic'), ['upgrade', 'head'], {
      cwd: fixture('lock-time'),
      env: { ...process.env, DATABASE_URL: live.url.replace('postgresql://', 'postgresql+psycopg2://') },
      stdio: 'pipe',
    });
    const c = new pg.Client({ connectionString: live.url });
    await c.connect();
    try {
      await c.query("INSERT INTO users (id, email, age) SELECT n, 'user' || n || '@example.com', n % 90 FROM generate_series(1, 20000) AS n");
      await c.query('ANALYZE users');
    } finally {
      await c.end();
    }
    const dir = project(null);
    const report = join(dir, 'drift.json');
    const drift = await runCli(['drift', dir, '--database-url', live.url, '--python', venvPython(), '--output', report]);
    assert.equal(drift.code, 0, drift.stderr + drift.stdout);
    const stored = (JSON.parse(readFileSync(report, 'utf8')) as Report).tableSizes;
    assert.deepEqual(stored?.map((s) => `${s.schema}.${s.table} ${s.rows}`), ['public.users 20000']);
    assert.ok((stored![0]!.bytes ?? 0) > 20000 * 10, `bytes ${stored![0]!.bytes}`);

    // The PR check with every default check (the walk the stairway and round trip share gives lint its facts).
    const pr = await runCli(['check', dir, '--database', 'postgres-local', '--python', venvPython(), '--format', 'json', '--table-sizes-from', report]);
    assert.equal(pr.code, 0, pr.stderr);
    const e = estimated(pr.report!);
    assert.equal(e.length, 1);
    assert.equal(e[0]!.lockTime.productionRows, 20000);
    assert.equal(e[0]!.lockTime.sizeSource, 'the drift report');
    assert.match(e[0]!.finding.details!.join('\n'), /users at 20,000 rows ≈ .* \(size from the drift report\)/);
  } finally {
    await live.dispose();
  }
});

test('a scan: SET NOT NULL after its backfill (in the migration before) is measured on rows without NULLs', async () => {
  const r = await lint(fixture('lock-time-scans'));
  assert.equal(r.code, 0, r.stderr);
  const e = estimated(r.report!);
  // Generated rows leave the nullable age NULL in a third of them: without rows made with every column filled, the
  // SET NOT NULL would fail and say "not estimated".
  assert.deepEqual(e.map((x) => `${x.finding.code} ${x.finding.revision}`), ['set-not-null 9d1f3b5c7e20'], r.stdout);
  assert.ok(Number.isFinite(e[0]!.lockTime.usPerRow) && e[0]!.lockTime.usPerRow > 0);
  assert.equal(e[0]!.lockTime.productionRows, 8_000_000);
  assert.match(e[0]!.finding.details!.join('\n'), /users at 8M rows ≈ .* under ACCESS EXCLUSIVE/);
});
