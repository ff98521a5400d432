// Issue 10 item 9 (and 11's error tail), against dist/: the driver dying inside a migration (os._exit, SIGSEGV) is
// exit 2 naming the revision and phase with the report kept; --python /bin/echo and dangerous --env-vars are exit 2
// naming the input; ESC sequences in what the dying migration printed reach stderr escaped.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, test } from 'node:test';
import { check, runCli } from '../support/cli.ts';
import { fixture, venvPython } from '../support/env.ts';
import { census, HOSTILE, hostileProject, isClean, until, workDir } from './support.ts';

const work = workDir('exit-codes');
after(() => rmSync(work, { recursive: true, force: true }));

for (const [name, body] of [
  ['os._exit', "    print('\\x1b[2J\\x1b]0;pwned\\x07\\x1b[32mPASSED\\x1b[0m', file=sys.stderr, flush=True)\n    os._exit(3)"],
  ['SIGSEGV', "    import signal\n    print('\\x1b[2J\\x1b[32mPASSED\\x1b[0m', file=sys.stderr, flush=True)\n    os.kill(os.getpid(), signal.SIGSEGV)"],
] as const) {
  test(`the driver dying in a migration (${name}): exit 2, the revision and phase named, the report kept`, async () => {
    const dir = hostileProject(work, name.replace(/\W/g, ''), body);
    let pid = 0;
    const run = await runCli(['check', dir, '--database', 'postgres-local', '--python', venvPython(), '--format', 'json', '-v'],
      { dist: true, onStderr: (_c, child) => (pid ||= child.pid!) });
    assert.equal(run.code, 2, run.stderr);
    assert.ok(run.report, 'the JSON report is written');
    assert.equal(run.report.status, 'error');
    assert.equal(run.report.error?.revision, HOSTILE);
    assert.match(run.report.error?.message ?? '', new RegExp(`the Python driver (exited with code 3|was killed by SIGSEGV) at revision ${HOSTILE}, upgrade,`));
    assert.equal(check(run.report, 'graph').status, 'passed');
    assert.doesNotMatch(run.stderr, /internal error/);
    // The migration's escape sequences are shown, not obeyed: no raw ESC or BEL anywhere we print.
    assert.ok(!/[\x1b\x07]/.test(run.stdout + run.stderr), 'raw control characters printed');
    assert.match(run.stderr, /\\x1b\[2J/);
    assert.ok(await until(() => isClean(census(pid, dir)), 5_000), JSON.stringify(census(pid, dir)));
  });
}

test('--python /bin/echo: exit 2, "not a Python interpreter", naming the input', async () => {
  const run = await runCli(['check', fixture('healthy'), '--python', '/bin/echo', '--database', 'sqlite'], { dist: true });
  assert.equal(run.code, 2, run.stderr + run.stdout);
  assert.match(run.stdout + run.stderr, /"\/bin\/echo" is not a Python interpreter/);
  assert.doesNotMatch(run.stdout + run.stderr, /internal error/);
});

test('--env-vars PATH, LD_PRELOAD, PYTHONPATH, HOME and invalid names: exit 2 naming the input, nothing run', async () => {
  for (const value of ['PATH', 'DATABASE_URL,LD_PRELOAD', 'PYTHONPATH', 'HOME', 'NOT-A-NAME', '1X']) {
    const run = await runCli(['check', fixture('healthy'), '--python', venvPython(), '--env-vars', value, '--database', 'sqlite'], { dist: true });
    assert.equal(run.code, 2, `${value}: ${run.stderr}${run.stdout}`);
    assert.match(run.stdout + run.stderr, /--env-vars|env-vars/);
    assert.match(run.stdout + run.stderr, /refusing to set|not a valid environment variable name/);
  }
});
