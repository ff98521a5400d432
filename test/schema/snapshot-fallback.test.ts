// The walk's one-round-trip snapshot function lives beside the DDL log in pg_preflight: a migration that drops that
// schema must not end the run (it did: exit 2 on "schema pg_preflight does not exist"). The snapshots fall back to
// full reads and the walk gives its usual verdicts: here the upgrade passes, and the re-upgrade fails because the
// schema the migration drops is not there the second time (plain Alembic fails the same way).
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, test } from 'node:test';
import { check, runCli } from '../support/cli.ts';
import { venvPython } from '../support/env.ts';
import { HOSTILE, hostileProject, workDir } from '../guard/support.ts';

const work = workDir('snapshot-fallback');
after(() => rmSync(work, { recursive: true, force: true }));

test('a migration dropping pg_preflight: no crash, full reads, the usual verdicts', async () => {
  const dir = hostileProject(work, 'drop', "    op.execute('DROP SCHEMA pg_preflight CASCADE')");
  const run = await runCli(['check', dir, '--database', 'postgres-local', '--python', venvPython(),
    '--checks', 'graph,upgrade,stairway', '--format', 'json'], { dist: true });
  assert.equal(run.code, 1, run.stderr);
  assert.equal(run.report!.error, undefined, JSON.stringify(run.report!.error));
  assert.equal(check(run.report!, 'upgrade').status, 'passed');
  assert.deepEqual(check(run.report!, 'stairway').findings.map((f) => [f.code, f.revision]), [['stairway/reupgrade-failed', HOSTILE]]);
  assert.match(run.stderr, /walk: .*\(\d+ full, \d+ partial/);
});
