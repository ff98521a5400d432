// SIGKILL of a process that started a cluster: the parent-death watch stops the server and removes the temp dirs;
// and when the watch itself was killed too, the next run reaps what is left. A census of processes and dirs.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { provisionPostgresLocal } from '../../src/database/postgres-local.ts';
import { repoRoot } from '../support/env.ts';
import { processesMentioning } from './processes.ts';

async function startChild(base: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/database/provision-child.ts'), base, 'wait'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
  });
  return { child, exited, info: JSON.parse(line) as { pg: string; sqlite: string; watcher: number } };
}

function census(base: string) {
  return { dirs: readdirSync(base).sort(), processes: processesMentioning(base).map((p) => p.cmdline) };
}

async function until(what: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!what() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

function tempBase(): string {
  const base = mkdtempSync(join(tmpdir(), 'preflight-parent-death-'));
  chmodSync(base, 0o711); // the server may run as `nobody`, which must get through
  return base;
}

test('SIGKILL: the watch stops the cluster and removes the cluster, template and sqlite dirs', async () => {
  const base = tempBase();
  try {
    const before = census(base);
    const { child, exited, info } = await startChild(base);
    assert.ok(info.watcher, 'a watcher runs');
    const during = census(base);
    assert.ok(during.dirs.length >= 3, `cluster, template and sqlite dirs: ${during.dirs.join(', ')}`);
    assert.equal(during.processes.filter((p) => p.includes(' -D ')).length, 1, 'one postmaster');
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    await until(() => census(base).dirs.length === 0 && census(base).processes.length === 0, 10_000);
    assert.deepEqual(census(base), before);
    await until(() => processesMentioning(`${info.watcher}`).length === 0, 2_000);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('SIGKILL of the run and of its watch: the next run reaps the stale cluster and its dirs', async () => {
  const base = tempBase();
  try {
    const { child, exited, info } = await startChild(base);
    process.kill(info.watcher, 'SIGKILL');
    child.kill('SIGKILL');
    await exited;
    await new Promise((r) => setTimeout(r, 300));
    const stale = census(base);
    assert.ok(stale.processes.some((p) => p.includes(' -D ')), 'the server outlived its run');
    assert.ok(stale.dirs.length >= 3);
    const lines: string[] = [];
    const next = await provisionPostgresLocal({ tmpDir: base, log: (l) => lines.push(l) });
    try {
      assert.ok(lines.filter((l) => /left by a run that was killed/.test(l)).length >= 3, lines.join('\n'));
      for (const dir of stale.dirs) assert.ok(!census(base).dirs.includes(dir), `${dir} reaped`);
      assert.equal(census(base).processes.filter((p) => p.includes(' -D ')).length, 1, "only the new run's server");
    } finally {
      await next.dispose();
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
