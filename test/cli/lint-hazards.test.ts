// The lint check through the real CLI on real PostgreSQL: every hazard of fixtures/lint-hazards/EXPECTED.md is
// reported with its rule, migration file and line in the JSON report, and the lines that must stay silent do.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, runCli } from '../support/cli.ts';
import { venvPython } from '../support/env.ts';
import { HAZARDS, HAZARD_ROWS, RULE_FOR_KEY, SILENT_ROWS } from '../support/lint-hazards-expected.ts';

test('alembic-preflight check on lint-hazards: rule, file and line for every hazard; silence where it is fine', async () => {
  const run = await runCli(['check', HAZARDS, '--database', 'postgres-local', '--python', venvPython(), '--checks', 'lint', '--format', 'json']);
  assert.equal(run.code, 1, run.stderr);
  const findings = check(run.report!, 'lint').findings;
  const shown = findings.map((f) => `${f.severity} ${f.code} ${f.file}:${f.line}`).join('\n');
  for (const row of HAZARD_ROWS) {
    const rule = RULE_FOR_KEY[row.key]!;
    assert.ok(
      findings.some((f) => f.code === rule && f.file === row.file && f.line === row.line && f.revision === row.revision),
      `#${row.n} ${rule} at ${row.file}:${row.line}\n${shown}`,
    );
  }
  for (const row of SILENT_ROWS) {
    const loud = findings.filter((f) => f.file === row.file && row.lines.includes(f.line ?? -1) && f.severity !== 'notice');
    assert.deepEqual(loud.map((f) => `${f.code} ${f.line}`), [], `#${row.n} must stay silent`);
  }
  // The facts come from the real run: the index build on an existing table shows the SHARE lock PostgreSQL took.
  const index = findings.find((f) => f.code === 'create-index-not-concurrently');
  assert.deepEqual(index?.evidence?.locks, ['public.users: SHARE']);
});
