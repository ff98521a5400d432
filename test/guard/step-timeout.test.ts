// Issue 10 item 8, against dist/: a migration that hangs is stopped by --step-timeout with a finding naming the
// revision and the statement, a heartbeat names it meanwhile, and a process a migration started (holding the
// driver's output pipe) neither keeps the CLI alive nor outlives the run.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, test } from 'node:test';
import { check, runCli } from '../support/cli.ts';
import { venvPython } from '../support/env.ts';
import { census, HOSTILE, hostileProject, isClean, until, workDir } from './support.ts';

const work = workDir('timeout');
after(() => rmSync(work, { recursive: true, force: true }));

test('a hanging statement: heartbeat, then after --step-timeout a finding with revision and SQL, exit 1, nothing left', async () => {
  const marker = '3131';
  const dir = hostileProject(work, 'hang', [
    // A child that inherits the driver's stdout/stderr and would outlive the run.
    `    subprocess.Popen(['sleep', '${marker}'])`,
    "    op.execute('SELECT pg_sleep(120)')",
  ].join('\n'), 'import subprocess');
  let pid = 0;
  const started = Date.now();
  const run = await runCli(['check', dir, '--database', 'postgres-local', '--python', venvPython(), '--checks', 'upgrade',
    '--step-timeout', '7s', '--format', 'json'], { dist: true, onStderr: (_c, child) => (pid ||= child.pid!) });
  const tookMs = Date.now() - started;
  assert.equal(run.code, 1, run.stderr);
  const upgrade = check(run.report!, 'upgrade');
  const f = upgrade.findings.find((x) => x.code === 'upgrade/step-timeout');
  assert.ok(f, JSON.stringify(upgrade));
  assert.equal(f.revision, HOSTILE);
  assert.match(f.message, new RegExp(`revision ${HOSTILE}, upgrade,`));
  assert.match(f.sql ?? '', /pg_sleep\(120\)/);
  assert.match(f.file ?? '', /eeee00000001_hostile\.py$/);
  assert.match(run.stderr, new RegExp(`still running: revision ${HOSTILE}, upgrade, in the driver's walk for \\d+ s \\(step timeout 7s\\)`));
  assert.ok(tookMs < 60_000, `stopped after the timeout, not after the 120 s sleep: ${tookMs} ms`);
  assert.ok(await until(() => isClean(census(pid, dir, `sleep ${marker}`)), 5_000), JSON.stringify(census(pid, dir, `sleep ${marker}`)));
});

test('a migration that leaves a process holding the output pipe: the run ends on time and the process is killed', async () => {
  const marker = '3232';
  const dir = hostileProject(work, 'pipe', `    subprocess.Popen(['sleep', '${marker}'])`, 'import subprocess');
  let pid = 0;
  const started = Date.now();
  const run = await runCli(['check', dir, '--database', 'postgres-local', '--python', venvPython(), '--checks', 'upgrade',
    '--format', 'json'], { dist: true, onStderr: (_c, child) => (pid ||= child.pid!) });
  assert.equal(run.code, 0, run.stderr);
  assert.ok(Date.now() - started < 60_000, 'the sleeping child did not keep the CLI alive');
  assert.ok(await until(() => isClean(census(pid, dir, `sleep ${marker}`)), 5_000), JSON.stringify(census(pid, dir, `sleep ${marker}`)));
});
