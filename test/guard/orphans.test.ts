// The driver does not outlive the CLI even when the CLI's parent-death watch is killed with it (both SIGKILLed, as a
// runner that kills every process it finds does): the driver and what its migration started go within seconds, both
// when the migration is in Python (time.sleep: the SIGTERM of PR_SET_PDEATHSIG) and when it waits on the server
// (pg_sleep, the GIL released: the driver's watch thread). Against dist/, as users run it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { after, test } from 'node:test';
import { runCli } from '../support/cli.ts';
import { venvPython } from '../support/env.ts';
import { census, hostileProject, until, workDir } from './support.ts';

const work = workDir('orphans');
after(() => rmSync(work, { recursive: true, force: true }));

/** The CLI's parent-death watch: its child running `node -e` with the watcher's program. */
function watcherOf(cliPid: number): number | null {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (ppid === cliPid && cmd.includes('-e\0') && cmd.includes('items.set')) return Number(entry);
    } catch {
      continue; // ended while we looked
    }
  }
  return null;
}

for (const [database, wait, marker] of [
  ['sqlite', '    time.sleep(120)', '3434'],
  ['postgres-local', "    op.execute('SELECT pg_sleep(120)')", '3535'],
] as const) {
  test(`${database}: CLI and its watch SIGKILLed mid-migration (${wait.trim()}): the driver and the process its migration started are gone`, async () => {
    const dir = hostileProject(work, database, `    subprocess.Popen(['sleep', '${marker}'])\n${wait}`, 'import subprocess');
    let cliPid = 0;
    let killed = false;
    const run = runCli(['check', dir, '--database', database, '--python', venvPython(), '--checks', 'upgrade', '--color', 'never'], {
      dist: true,
      onStderr: (_chunk, child) => {
        cliPid ||= child.pid!;
      },
    });
    try {
      assert.ok(await until(() => cliPid > 0 && census(cliPid, dir, `sleep ${marker}`).marked.length > 0, 60_000), 'the migration started its process');
      const before = census(cliPid, dir, `sleep ${marker}`);
      assert.equal(before.pythons.length, 1, JSON.stringify(before));
      const watcher = watcherOf(cliPid);
      assert.ok(watcher, 'the CLI has a parent-death watch');
      process.kill(watcher, 'SIGKILL');
      process.kill(cliPid, 'SIGKILL');
      killed = true;
      const result = await run;
      assert.equal(result.signal, 'SIGKILL');
      const gone = await until(() => {
        const c = census(cliPid, dir, `sleep ${marker}`);
        return c.pythons.length === 0 && c.marked.length === 0;
      }, 5_000);
      assert.ok(gone, JSON.stringify(census(cliPid, dir, `sleep ${marker}`)));
    } finally {
      if (!killed && cliPid) process.kill(cliPid, 'SIGKILL');
      // With the watch dead, the run's cluster and temp dirs stay for the next run to reap (tested elsewhere);
      // this test stops and removes them itself.
      const left = census(cliPid, dir, `sleep ${marker}`);
      for (const s of left.servers) process.kill(Number(s.split(' ')[0]), 'SIGQUIT');
      for (const p of [...left.pythons, ...left.marked]) process.kill(Number(p.split(' ')[0]), 'SIGKILL');
      await until(() => census(cliPid, dir).servers.length === 0, 10_000);
      for (const d of left.dirs) rmSync(d, { recursive: true, force: true });
    }
  });
}
