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

test('a migration that SETs ROLE to a role of its own: the snapshots after its step still read (was exit 2)', async () => {
  const dir = hostileProject(work, 'role', [
    "    op.execute('CREATE ROLE appowner')",
    "    op.execute('GRANT ALL ON SCHEMA public TO appowner')",
    "    op.execute('GRANT ALL ON alembic_version TO appowner')",
    "    op.execute('SET ROLE appowner')",
    "    op.execute('CREATE TABLE owned_by_app (id int)')",
  ].join('\n'));
  const run = await runCli(['check', dir, '--database', 'postgres-local', '--python', venvPython(),
    '--checks', 'graph,upgrade,stairway', '--format', 'json'], { dist: true });
  assert.equal(run.report!.error, undefined, JSON.stringify(run.report!.error));
  assert.equal(check(run.report!, 'upgrade').status, 'passed');
  // As plain alembic: the `pass` downgrade leaves the table, and the re-upgrade's CREATE ROLE finds the role there.
  assert.deepEqual(check(run.report!, 'stairway').findings.map((f) => [f.code, f.revision]),
    [['stairway/downgrade-leaves-trace', HOSTILE], ['stairway/reupgrade-failed', HOSTILE]]);
  assert.match(run.stderr, /in one round trip/);
});
