// The built CLI (dist/cli.js) end to end, on the Node that runs this suite (20 in CI) and Node 24, as users run it: no
// options on a PostgreSQL project while a Docker engine answers, the locally built image through postgres-docker,
// no container left afterwards, and exit 3 with "internal error" for a failure that escapes every await.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LABEL_PID } from '../../src/database/docker-containers.ts';
import { runCli } from '../support/cli.ts';
import { repoRoot } from '../support/env.ts';
import { LOCAL_IMAGE, containersLabelled, dockerSkipReason } from '../database/docker.ts';
import { NODE24 } from '../action/action-harness.ts';

const built = existsSync(join(repoRoot, 'dist', 'cli.js'));
const notBuilt = 'dist/cli.js is not built: run `npm run build` first';
const preload = join(repoRoot, 'test', 'support', 'crash-preload.mjs');

function explain(run: { code: number | null; stdout: string; stderr: string }): string {
  return `exit ${run.code}\n--- stdout\n${run.stdout.slice(-3000)}\n--- stderr\n${run.stderr.slice(-3000)}`;
}

test('node dist/cli.js check fixtures/healthy, no options, with Docker answering: passes on local binaries', async (t) => {
  if (!built) return t.skip(notBuilt);
  const skip = await dockerSkipReason(false);
  if (skip) return t.skip(skip);
  t.diagnostic(`Node ${process.version}`);
  let pid = 0;
  const run = await runCli(['check', 'fixtures/healthy'], { dist: true, onStderr: (_, child) => (pid = child.pid!) });
  assert.equal(run.code, 0, explain(run));
  assert.match(run.stderr, /database: postgres-local \(the project uses PostgreSQL; local PostgreSQL \d+ binaries .* start fastest\)/);
  assert.match(run.stdout, /Result: PASSED/i);
  assert.deepEqual(containersLabelled(`${LABEL_PID}=${pid}`), []);
});

for (const node of [process.execPath, NODE24]) {
  test(`dist/cli.js check --database postgres-docker --postgres-image <local image> on ${node === NODE24 ? 'Node 24' : process.version}: passes, no container left`, async (t) => {
    if (!built) return t.skip(notBuilt);
    if (!existsSync(node)) return t.skip(`${node} is not installed (scripts/node24.sh installs it; scripts/test.sh runs it)`);
    const skip = await dockerSkipReason();
    if (skip) return t.skip(skip);
    let pid = 0;
    const run = await runCli(['check', 'fixtures/healthy', '--database', 'postgres-docker', '--postgres-image', LOCAL_IMAGE], {
      dist: true,
      node,
      onStderr: (_, child) => (pid = child.pid!),
    });
    assert.equal(run.code, 0, explain(run));
    assert.match(run.stderr, new RegExp(`postgres-docker: PostgreSQL 15\\.\\d+ \\(${LOCAL_IMAGE}\\) on 127\\.0\\.0\\.1:\\d+, ready after \\d+ ms`));
    assert.ok(pid > 0);
    assert.deepEqual(containersLabelled(`${LABEL_PID}=${pid}`), [], 'the container is removed');
  });
}

for (const kind of ['throw', 'reject'] as const) {
  test(`dist/cli.js: an error that escapes every await (${kind}) exits 3 with "internal error" and cleans up`, async (t) => {
    if (!built) return t.skip(notBuilt);
    const docker = (await dockerSkipReason()) === null;
    // With Docker, the run's database is a container: its removal shows the cleanup ran after the crash.
    const args = ['check', 'fixtures/healthy', ...(docker ? ['--database', 'postgres-docker', '--postgres-image', LOCAL_IMAGE] : [])];
    let pid = 0;
    const run = await runCli(args, {
      dist: true,
      nodeArgs: ['--import', preload],
      env: { PREFLIGHT_CRASH: kind, PREFLIGHT_CRASH_ON: docker ? 'postgres-docker: PostgreSQL' : 'database: ' },
      onStderr: (_, child) => (pid = child.pid!),
    });
    assert.equal(run.code, 3, explain(run));
    const what = kind === 'throw' ? 'uncaught exception' : 'unhandled rejection';
    assert.match(run.stderr, new RegExp(`internal error \\(${what}\\): Error: injected failure`));
    assert.ok(!/Result: /.test(run.stdout), 'no report after a crash');
    if (docker) assert.deepEqual(containersLabelled(`${LABEL_PID}=${pid}`), [], 'the container is removed after the crash');
    else t.diagnostic('no Docker: the cleanup after the crash is not observed through a container');
  });
}
