// Issue 10 item 8, against dist/: a migration that hangs is stopped by --step-timeout with a finding naming the
// revision and the statement, a heartbeat names it meanwhile, and a process a migration started (holding the
// driver's output pipe) neither keeps the CLI alive nor outlives the run.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

test('env.py that hangs before any revision: the timeout and the heartbeat name env.py, not the first revision', async () => {
  const dir = hostileProject(work, 'env-hang', '    pass');
  const envPy = join(dir, 'migrations', 'env.py');
  const source = readFileSync(envPy, 'utf8');
  const online = /def run_migrations_online\(\)( -> None)?:\n/;
  assert.match(source, online);
  writeFileSync(envPy, source.replace(online, (m) => `${m}    import time\n    time.sleep(120)  # a service env.py waits for\n`));
  const started = Date.now();
  const run = await runCli(['check', dir, '--database', 'sqlite', '--python', venvPython(), '--checks', 'upgrade',
    '--step-timeout', '7s', '--format', 'json'], { dist: true });
  assert.equal(run.code, 1, run.stderr);
  assert.ok(Date.now() - started < 60_000, 'stopped after the timeout, not after the 120 s sleep');
  const f = check(run.report!, 'upgrade').findings.find((x) => x.code === 'upgrade/step-timeout');
  assert.ok(f, JSON.stringify(run.report!.checks));
  assert.match(f.message, /^env\.py \(before any revision ran: its imports, engine, connection and configure\) in the driver's walk ran for/);
  assert.equal(f.revision, undefined, 'no revision had begun');
  assert.match(f.hint ?? '', /env\.py never got to the first revision/);
  assert.match(run.stderr, /still running: env\.py \(before any revision ran/);
  assert.doesNotMatch(run.stderr, /still running: revision/);
});

test('a migration that hangs only while its offline SQL is written: the timeout names the revision, not env.py', async () => {
  const dir = hostileProject(work, 'offline-hang', [
    '    if op.get_context().as_sql:',
    '        time.sleep(120)',
  ].join('\n'));
  const run = await runCli(['check', dir, '--database', 'sqlite', '--python', venvPython(), '--checks', 'lint',
    '--step-timeout', '7s', '--format', 'json'], { dist: true });
  assert.equal(run.code, 1, run.stderr);
  const f = run.report!.checks.flatMap((c) => c.findings).find((x) => x.code.endsWith('/step-timeout'));
  assert.ok(f, JSON.stringify(run.report!.checks));
  assert.doesNotMatch(f.message, /^env\.py/);
  assert.match(f.message, new RegExp(`revision ${HOSTILE}`));
});
