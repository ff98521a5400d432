// The hand-written part of the data check from the walk's results (src/checks/data-hand.ts), without a database:
// which results become findings, which summary lines, and how two databases' summaries merge into one report.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dataResult } from '../../src/checks/data.ts';
import type { WalkResult } from '../../src/checks/walk.ts';
import type { DataConfig } from '../../src/config-data.ts';
import { mergeReports } from '../../src/pipeline/dialects.ts';
import { reportProblem } from '../../src/report/json.ts';
import type { CheckResult, Report } from '../../src/report/model.ts';

const hand: DataConfig = {
  file: '/p/pyproject.toml',
  shownFile: 'pyproject.toml',
  generate: false,
  revisions: {
    a1: { seed: [{ kind: 'sql', name: 'seed.sql', path: '/p/seed.sql', sql: 'INSERT INTO t VALUES (1)' }], assert: [
      { kind: 'sql', name: 'check.sql', path: '/p/check.sql', sql: 'SELECT id FROM t WHERE x IS NULL' },
      { kind: 'python', name: 'checks.py:check', path: '/p/checks.py', function: 'check' },
    ] },
    b2: { seed: [], assert: [{ kind: 'sql', name: 'SELECT 1 WHERE 0 = 1', sql: 'SELECT 1 WHERE 0 = 1' }] },
  },
};

function walk(a1: NonNullable<WalkResult['revisions'][number]['data']>['hand']): WalkResult {
  return {
    revisions: [{ revision: 'a1', stairway: 'checked', data: { rows: 1, hand: a1 } }, { revision: 'b2', stairway: 'checked' }],
    completed: false,
    snapshots: new Map(),
  };
}

test('a failed SQL assertion: an error with up to 3 rows and the count; passed and not-run ones in the summary', () => {
  const result = dataResult(walk({
    seeds: [{ name: 'seed.sql', ok: true }],
    asserts: [
      { name: 'check.sql', ok: false, count: 5, rows: [{ id: 1, x: null }, { id: 2, x: null }, { id: 3, x: null }] },
      { name: 'checks.py:check', ok: true },
    ],
  }), new Map(), 1, hand);
  assert.equal(result.status, 'failed');
  assert.deepEqual(result.findings.map((f) => [f.code, f.revision, f.file]), [['data/assertion-fails', 'a1', 'check.sql']]);
  assert.deepEqual(result.findings[0]!.details, ['offending row: {"id": 1, "x": null}', 'offending row: {"id": 2, "x": null}',
    'offending row: {"id": 3, "x": null}', 'and 2 more rows']);
  assert.deepEqual(result.summary, [
    'revision a1: assertion check.sql failed: returned 5 offending rows',
    'revision a1: assertion checks.py:check passed',
    'revision b2: assertion SELECT 1 WHERE 0 = 1 not run (the walk did not get past this upgrade)',
  ]);
  assert.match(result.reason ?? '', /1 of 3 assertions passed/);
});

test('a failed seed: an error naming the file; the assertions it skipped are said as not run', () => {
  const result = dataResult(walk({
    seeds: [{ name: 'seed.sql', ok: false, error: 'OperationalError: no such table: t' }],
    asserts: [{ name: 'check.sql', ok: false, skipped: 'a seed of this revision failed' },
      { name: 'checks.py:check', ok: false, skipped: 'a seed of this revision failed' }],
  }), new Map(), 1, hand);
  assert.deepEqual(result.findings.map((f) => [f.code, f.severity, f.file, f.sql]), [['data/seed-fails', 'error', 'seed.sql', 'INSERT INTO t VALUES (1)']]);
  assert.match(result.findings[0]!.message, /the seed seed\.sql of revision a1 fails before its upgrade: OperationalError: no such table: t/);
  assert.ok(result.summary?.includes('revision a1: assertion check.sql not run (a seed of this revision failed)'));
});

test('without the section the data check has no summary', () => {
  const result = dataResult(walk(undefined), new Map(), 1);
  assert.equal(result.summary, undefined);
  assert.doesNotMatch(result.reason ?? '', /assertion/);
});

test('two databases: a summary line both give is said once, the others labelled with their database', () => {
  const report = (dialect: 'sqlite' | 'postgresql', summary: string[]): Report => ({
    version: 1, tool: { name: 'alembic-preflight', version: '0' }, mode: 'full', projectDir: '.', status: 'passed', durationMs: 1,
    environment: { database: { provider: dialect === 'sqlite' ? 'sqlite' : 'postgres-local', dialect, serverVersion: '1' } },
    checks: [{ id: 'data', status: 'passed', durationMs: 1, findings: [], summary } as CheckResult],
    revisions: [], newRevisions: [], migrations: [], schemaDiff: [], counts: { error: 0, warning: 0, notice: 0 },
  } as unknown as Report);
  const merged = mergeReports([report('sqlite', ['a passed', 'b passed']), report('postgresql', ['a passed', 'b failed'])], () => 'passed');
  assert.deepEqual(merged.checks[0]!.summary, ['a passed', 'SQLite: b passed', 'PostgreSQL: b failed']);
});

test('a saved report (publish mode reads one from an artifact) is refused when a summary is not a list of strings', () => {
  const saved = (summary: unknown) => ({
    version: 1, tool: { name: 'alembic-preflight' }, mode: 'full', status: 'passed', projectDir: '.',
    checks: [{ id: 'data', status: 'passed', findings: [], summary }], revisions: [], newRevisions: [], migrations: [],
    schemaDiff: [], counts: {}, environment: {},
  });
  assert.equal(reportProblem(saved(['a passed'])), null);
  assert.equal(reportProblem(saved(undefined)), null);
  assert.match(reportProblem(saved('a passed')) ?? '', /summary that is not a list of strings/);
  assert.match(reportProblem(saved([{ html: '<b>' }])) ?? '', /summary that is not a list of strings/);
});
