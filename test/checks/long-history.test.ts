// A 500-revision history on the local cluster: the round trip (downgrade base in one transaction, as plain Alembic
// runs it) fits the lock table, and the stairway walks every revision. Slow (about a minute): the scale is the point.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { generateHistory } from '../../bench/generate-history.ts';
import type { Report } from '../../src/report/model.ts';
import { runCli } from '../support/cli.ts';
import { venvPython } from '../support/env.ts';

const work = mkdtempSync(join(tmpdir(), 'preflight-long-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('500 revisions on postgres-local: round trip and stairway pass, no "out of shared memory"', { timeout: 900_000 }, async () => {
  const { dir } = generateHistory(join(work, 'project'), 500);
  const run = await runCli(['check', dir, '--database', 'postgres-local', '--python', venvPython(),
    '--checks', 'graph,upgrade,roundtrip,stairway', '--format', 'json']);
  const report = run.report as Report;
  assert.ok(report, run.stderr.slice(-3000));
  assert.doesNotMatch(run.stderr + JSON.stringify(report), /out of shared memory|max_locks_per_transaction/);
  const status = Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
  assert.deepEqual(status, { graph: 'passed', upgrade: 'passed', stairway: 'passed', roundtrip: 'passed' }, JSON.stringify(report.checks.flatMap((c) => c.findings).slice(0, 3)));
  // Partial snapshots: one full read at the start of the walk, then only what each step touched; the catalogs'
  // statistics kept current as the schema grows (log2 of the snapshots: 32, 64, ... 512).
  assert.match(run.stderr, /\(1 full, \d+ partial reading \d+ roots; \d+ in one round trip; catalogs analysed 5 times\)/);
});
