// Suggested changes planned from a report and the real migration files of the fixtures: the replacement text is
// what a reviewer would commit, and a fix that is not mechanical (or not in a new revision) is not suggested.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Finding, Report } from '../../src/report/model.ts';
import { planSuggestions, suggestionBody } from '../../src/report/suggestions.ts';
import { fixture } from '../support/env.ts';
import { prReport } from './sample-reports.ts';

const INDEX_FILE = 'migrations/versions/2025_01_15_1126-dda671218a25_index_users_by_email.py';
const ENUM_FILE = 'migrations/versions/af6ae497737d_create_orders.py';

function reportWith(findings: Finding[], newRevisions: string[]): Report {
  const report = prReport();
  report.checks = [{ id: 'lint', status: 'failed', durationMs: 0, findings }];
  report.newRevisions = newRevisions;
  return report;
}

const reader = (project: string) => (file: string) => readFileSync(join(fixture(project), file), 'utf8');

test('an index built without CONCURRENTLY: the op.create_index call wrapped in an autocommit block', () => {
  const f: Finding = { code: 'create-index-not-concurrently', severity: 'warning', message: 'm', revision: 'dda671218a25', file: INDEX_FILE, line: 24 };
  const [s, ...rest] = planSuggestions(reportWith([f], ['dda671218a25']), 'backend', reader('lint-hazards'));
  assert.equal(rest.length, 0);
  assert.deepEqual({ path: s!.path, startLine: s!.startLine, line: s!.line }, { path: `backend/${INDEX_FILE}`, startLine: 24, line: 24 });
  assert.equal(s!.replacement, [
    '    with op.get_context().autocommit_block():',
    "        op.create_index('ix_users_email', 'users', ['email'], unique=False, postgresql_concurrently=True)",
  ].join('\n'));
  const body = suggestionBody(s!, '0.1.0', 'https://example.invalid/rule');
  assert.match(body, /\n```suggestion\n {4}with op\.get_context\(\)\.autocommit_block\(\):\n/);
  // Not a new revision of this PR: nothing to suggest on a file the PR does not change.
  assert.deepEqual(planSuggestions(reportWith([f], ['other']), 'backend', reader('lint-hazards')), []);
});

test('a multi-line op.create_index keeps its layout; a call that is not op.create_index gets nothing', () => {
  const text = 'def upgrade():\n    op.create_index(\n        "ix_a", "t", ["a"]\n    )\n    op.execute("CREATE INDEX ix_b ON t (b)")\n';
  const read = () => text;
  const at = (line: number): Finding => ({ code: 'create-index-not-concurrently', severity: 'warning', message: 'm', revision: 'r1', file: 'v/r1.py', line });
  const [s] = planSuggestions(reportWith([at(2)], ['r1']), '.', read);
  assert.deepEqual([s!.path, s!.startLine, s!.line], ['v/r1.py', 2, 4]);
  assert.equal(s!.replacement, '    with op.get_context().autocommit_block():\n        op.create_index(\n            "ix_a", "t", ["a"],\n            postgresql_concurrently=True,\n        )');
  assert.deepEqual(planSuggestions(reportWith([at(5)], ['r1']), '.', read), []);
});

test('missing lock_timeout: SET LOCAL after the docstring of upgrade(), once per file; not after an autocommit block', () => {
  const f = (line: number): Finding => ({ code: 'missing-lock-timeout', severity: 'warning', message: 'm', revision: 'dda671218a25', file: INDEX_FILE, line });
  const planned = planSuggestions(reportWith([f(24), f(24)], ['dda671218a25']), '.', reader('lint-hazards'));
  assert.equal(planned.length, 1);
  assert.deepEqual([planned[0]!.startLine, planned[0]!.line], [22, 22]);
  assert.equal(planned[0]!.replacement, `    """Upgrade schema."""\n    op.execute("SET LOCAL lock_timeout = '3s'")`);
  const concurrent = 'migrations/versions/2025_01_22_1239-e5c95f6f217f_index_orders_by_created_at_concurrently.py';
  const after = { ...f(24), file: concurrent, revision: 'e5c95f6f217f' };
  assert.deepEqual(planSuggestions(reportWith([after], ['e5c95f6f217f']), '.', reader('lint-hazards')), []);
});

test('an enum the downgrade leaves behind: DROP TYPE after the last statement of downgrade()', () => {
  const f: Finding = {
    code: 'stairway/downgrade-leaves-trace', severity: 'error', message: 'm', revision: 'af6ae497737d', file: ENUM_FILE, line: 71,
    details: ['+ enum public.order_status (left behind by the downgrade)'],
  };
  const [s] = planSuggestions(reportWith([f], ['af6ae497737d']), '.', reader('enum-left-behind'));
  assert.equal(s!.line, 38);
  assert.equal(s!.replacement, `    op.drop_table('orders')\n    op.execute("DROP TYPE IF EXISTS order_status")`);
});
