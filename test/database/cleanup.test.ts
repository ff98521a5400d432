import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { disposeAll, pendingDisposables, registerDisposable } from '../../src/database/cleanup.ts';
import { repoRoot } from '../support/env.ts';
import { processesMentioning } from './processes.ts';

async function runChild(mode: 'wait' | 'exit', signal?: NodeJS.Signals) {
  const base = mkdtempSync(join(tmpdir(), 'preflight-cleanup-test-'));
  chmodSync(base, 0o711); // the server may run as `nobody`, which must get through
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/database/provision-child.ts'), base, mode], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
  });
  const during = readdirSync(base);
  const processesDuring = processesMentioning(base).filter((p) => p.cmdline.includes(' -D ')).length;
  if (signal) child.kill(signal);
  const code = await exited;
  const left = { dirs: readdirSync(base), processes: processesMentioning(base) };
  rmSync(base, { recursive: true, force: true });
  return { code, during, processesDuring, left, urls: JSON.parse(first) as { pg: string; sqlite: string } };
}

test('SIGTERM to a process that provisioned databases: exit 143, no server, no temp dir left', async () => {
  const r = await runChild('wait', 'SIGTERM');
  assert.ok(r.during.length >= 3, `cluster, template and sqlite dirs existed: ${r.during.join(', ')}`);
  assert.equal(r.processesDuring, 1);
  assert.equal(r.code, 143);
  assert.deepEqual(r.left, { dirs: [], processes: [] });
});

test('SIGINT: exit 130 and everything cleaned', async () => {
  const r = await runChild('wait', 'SIGINT');
  assert.equal(r.code, 130);
  assert.deepEqual(r.left, { dirs: [], processes: [] });
});

test('process.exit() without dispose: the synchronous last resort stops the server and removes the dirs', async () => {
  const r = await runChild('exit');
  assert.equal(r.code, 0);
  assert.deepEqual(r.left, { dirs: [], processes: [] });
});

test('disposeAll disposes newest first, keeps going after a failure, and empties the registry', async () => {
  const order: string[] = [];
  const logged: string[] = [];
  const { setCleanupLog } = await import('../../src/database/cleanup.ts');
  setCleanupLog((l) => logged.push(l));
  registerDisposable({ name: 'a', dispose: async () => { order.push('a'); } });
  registerDisposable({ name: 'b', dispose: async () => { order.push('b'); throw new Error('boom'); }, disposeSync: () => order.push('b-sync') });
  const unregisterC = registerDisposable({ name: 'c', dispose: async () => { order.push('c'); } });
  unregisterC();
  await disposeAll();
  assert.deepEqual(order, ['b', 'b-sync', 'a']);
  assert.match(logged.join('\n'), /disposing b failed: boom/);
  assert.deepEqual(pendingDisposables(), []);
});
