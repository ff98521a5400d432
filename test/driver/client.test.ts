// The driver client against the real Python driver: hello and startup time, a missing interpreter or Alembic as a
// UserError, error payloads as DriverError, pending calls rejected when the child dies, timeouts, idempotent close.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { Driver, DriverDied, DriverError } from '../../src/driver/client.ts';
import { driverCandidates, locateDriver } from '../../src/driver/locate.ts';
import { InternalError, UserError } from '../../src/errors.ts';
import { repoRoot, venvPython } from '../support/env.ts';
import { migration, removeAll, writeProject } from './temp-project.ts';

after(removeAll);

test('locate finds the driver package next to the module, and knows the bundled layouts', () => {
  assert.equal(locateDriver(), join(repoRoot, 'src', 'driver', 'preflight_driver', '__main__.py'));
  const fromDist = driverCandidates(pathToFileURL(join(repoRoot, 'dist', 'cli.js')));
  assert.deepEqual(fromDist, [
    join(repoRoot, 'dist', 'preflight_driver', '__main__.py'),
    join(repoRoot, 'dist', 'driver', 'preflight_driver', '__main__.py'),
  ]);
  assert.throws(() => locateDriver(pathToFileURL('/nonexistent/dir/cli.js')), InternalError);
});

test('start says hello with the versions, and reports its startup time', async (t) => {
  const started = performance.now();
  const driver = await Driver.start({ python: venvPython(), cwd: repoRoot });
  const wall = performance.now() - started;
  try {
    assert.match(driver.hello!.alembic, /^1\.\d+/);
    assert.match(driver.hello!.sqlalchemy, /^2\./);
    t.diagnostic(`driver startup: ${Math.round(wall)} ms wall (spawn → hello), ${driver.hello!.startupMs} ms inside Python`);
  } finally {
    await driver.close();
  }
});

test('a python that does not exist is a UserError naming it', async () => {
  await assert.rejects(Driver.start({ python: '/nonexistent/bin/python3.99', cwd: repoRoot }), (e: unknown) => {
    assert.ok(e instanceof UserError);
    assert.match(e.message, /\/nonexistent\/bin\/python3\.99/);
    return true;
  });
});

test('a python without alembic is a UserError naming the interpreter and what to install', async (t) => {
  const bare = '/usr/bin/python3';
  if (!existsSync(bare) || spawnSync(bare, ['-c', 'import alembic']).status === 0) {
    t.skip(`${bare} is missing or has alembic installed`);
    return;
  }
  await assert.rejects(Driver.start({ python: bare, cwd: repoRoot }), (e: unknown) => {
    assert.ok(e instanceof UserError);
    assert.match(e.message, /python3/);
    assert.match(e.message, /pip install alembic/);
    return true;
  });
});

test('error answers become DriverError with the payload; unknown methods are internal', async () => {
  const driver = await Driver.start({ python: venvPython(), cwd: repoRoot });
  try {
    await assert.rejects(driver.call('nope' as 'graph', {}), (e: unknown) => {
      assert.ok(e instanceof DriverError);
      assert.equal(e.kind, 'internal');
      assert.match(e.message, /unknown method/);
      return true;
    });
    await assert.rejects(driver.call('inspect', { projectDir: '/nonexistent-project', configFile: null, section: 'alembic' }),
      (e: unknown) => e instanceof DriverError && e.kind === 'config' && /does not exist/.test(e.message));
    // The driver is still alive and answering after errors.
    await assert.rejects(driver.call('graph', {}), (e: unknown) => e instanceof DriverError && /inspect must run/.test(e.message));
  } finally {
    await driver.close();
  }
});

function sleepyProject(): string {
  return writeProject({
    versions: {
      'a_slow.py': `import sys, time\nprint("hello from a migration file")\nsys.stdout.flush()\ntime.sleep(30)\n${migration('a', null, [], [])}`,
    },
  });
}

test('prints from user code go to onLog, never to the protocol; a dying child rejects every pending call', async () => {
  const project = sleepyProject();
  const logs: string[] = [];
  const driver = await Driver.start({ python: venvPython(), cwd: project, onLog: (l) => logs.push(l) });
  try {
    await driver.call('inspect', { projectDir: project, configFile: null, section: 'alembic' });
    const first = driver.call('graph', {});
    const second = driver.call('current', {});
    while (!logs.some((l) => l.includes('hello from a migration file'))) await new Promise((r) => setTimeout(r, 20));
    process.kill(driver.pid!, 'SIGKILL');
    // Killed in the middle of a call (os._exit, SIGSEGV in the project's code): a user error naming the call.
    await assert.rejects(first, (e: unknown) => e instanceof DriverDied && /killed by SIGKILL during graph/.test(e.message));
    await assert.rejects(second, DriverDied);
    await assert.rejects(driver.call('current', {}), /gone/);
  } finally {
    await driver.close();
    await driver.close(); // idempotent
  }
});

test('a per-call timeout rejects that call and stops the driver; close is idempotent', async () => {
  const project = sleepyProject();
  const driver = await Driver.start({ python: venvPython(), cwd: project });
  await driver.call('inspect', { projectDir: project, configFile: null, section: 'alembic' });
  const started = performance.now();
  await assert.rejects(driver.call('graph', {}, { timeoutMs: 500 }), (e: unknown) => e instanceof UserError && /500 ms/.test(e.message));
  assert.ok(performance.now() - started < 5000);
  await driver.close();
  await driver.close();
  await assert.rejects(driver.call('current', {}), InternalError);
});

test('close stops an idle driver quickly, with a shutdown request rather than a kill', async () => {
  const driver = await Driver.start({ python: venvPython(), cwd: repoRoot });
  const started = performance.now();
  await driver.close();
  assert.ok(performance.now() - started < 1500, `close took ${performance.now() - started} ms`);
});
