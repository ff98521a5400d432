// Issue 10 items 4 and 5, against dist/: SIGKILL of the CLI mid-migration leaves no cluster, driver or temp dir
// (the parent-death watch); three SIGINTs during a server-URL run still finish cleanup (database dropped, no
// Python left) and end with "interrupted by SIGINT: no report", exit 130. A census before and after each.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { provisionPostgresLocal } from '../../src/database/postgres-local.ts';
import type { ThrowawayDatabase } from '../../src/database/provider.ts';
import { runCli } from '../support/cli.ts';
import { venvPython } from '../support/env.ts';
import { census, hostileProject, isClean, until, workDir } from './support.ts';

const work = workDir('signals');
let server: ThrowawayDatabase;
before(async () => {
  server = await provisionPostgresLocal({ tcp: true });
});
after(async () => {
  await server.dispose();
  rmSync(work, { recursive: true, force: true });
});

const SLEEPY = "    print('hostile migration sleeping', file=sys.stderr, flush=True)\n    op.execute('SELECT pg_sleep(60)')";

async function preflightDatabases(): Promise<string[]> {
  const c = new pg.Client({ connectionString: server.url.replace(/\/preflight$/, '/postgres') });
  await c.connect();
  try {
    return (await c.query<{ d: string }>("SELECT datname AS d FROM pg_database WHERE datname LIKE 'preflight\\_%'")).rows.map((r) => r.d);
  } finally {
    await c.end();
  }
}

test('SIGKILL of the CLI in a migration: cluster, driver and temp dirs are gone (parent-death watch)', async () => {
  const dir = hostileProject(work, 'sigkill', SLEEPY);
  let pid = 0;
  let during = census(0, dir);
  const run = await runCli(['check', dir, '--database', 'postgres-local', '--python', venvPython(), '-v'], {
    dist: true,
    onStderr: (chunk, child) => {
      pid ||= child.pid!;
      if (chunk.includes('hostile migration sleeping')) {
        setTimeout(() => {
          during = census(pid, dir);
          child.kill('SIGKILL');
        }, 500);
      }
    },
  });
  assert.equal(run.signal, 'SIGKILL');
  assert.ok(during.dirs.length >= 2 && during.servers.length === 1 && during.pythons.length === 1, JSON.stringify(during));
  assert.ok(await until(() => isClean(census(pid, dir)), 10_000), JSON.stringify(census(pid, dir)));
});

test('three SIGINTs during a server-URL run: cleanup finishes, "interrupted by SIGINT: no report", exit 130', async () => {
  const dir = hostileProject(work, 'sigint', SLEEPY);
  const databasesBefore = await preflightDatabases();
  let pid = 0;
  let duringDatabases: string[] = [];
  const run = await runCli(['check', dir, '--database', server.url.replace(/\/preflight$/, '/postgres'), '--python', venvPython(), '-v'], {
    dist: true,
    onStderr: (chunk, child) => {
      pid ||= child.pid!;
      if (chunk.includes('hostile migration sleeping')) {
        void preflightDatabases().then((d) => {
          duringDatabases = d;
          child.kill('SIGINT');
          setTimeout(() => child.kill('SIGINT'), 50);
          setTimeout(() => child.kill('SIGINT'), 150);
        });
      }
    },
  });
  assert.equal(run.code, 130, run.stderr);
  assert.match(run.stderr, /interrupted by SIGINT: no report/);
  assert.equal(run.stderr.match(/interrupted by SIGINT: no report/g)?.length, 1);
  assert.doesNotMatch(run.stderr, /internal error|SIGKILL|\n\s+at /);
  assert.equal(run.stdout, '', 'no report');
  assert.equal(duringDatabases.length, databasesBefore.length + 1, 'the run had its database');
  assert.deepEqual(await preflightDatabases(), databasesBefore, 'the server-URL database was dropped');
  assert.ok(await until(() => isClean(census(pid, dir)), 5_000), JSON.stringify(census(pid, dir)));
});
