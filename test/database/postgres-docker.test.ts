// The postgres-docker provider for real: a container of the locally built image (scripts/build-postgres-image.sh,
// the official image's behaviour), published on 127.0.0.1 only, labelled, removed on dispose and after SIGINT/SIGTERM,
// and reaped at the next start after SIGKILL. Ryuk cannot be pulled here, which is the case under test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { LABEL_HOST, LABEL_PID, LABEL_RUN } from '../../src/database/docker-containers.ts';
import { dockerAvailable, dockerImage, engineIsLocal, provisionPostgresDocker } from '../../src/database/postgres-docker.ts';
import { runCli } from '../support/cli.ts';
import { fixture, venvPython } from '../support/env.ts';
import {
  LOCAL_IMAGE, containerLabels, containersLabelled, dockerSkipReason, imageExists, publishedAddresses, removeContainers,
} from './docker.ts';

const RYUK_IMAGE = process.env.RYUK_CONTAINER_IMAGE || 'testcontainers/ryuk:0.14.0';

test('dockerAvailable answers quickly, whether or not an engine runs', async () => {
  const started = performance.now();
  const answer = await dockerAvailable();
  assert.equal(typeof answer, 'boolean');
  assert.ok(performance.now() - started < 6_000);
});

test('dockerAvailable is false for a dead DOCKER_HOST socket', async () => {
  const saved = process.env.DOCKER_HOST;
  process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
  try {
    assert.equal(await dockerAvailable(), false);
  } finally {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  }
});

test('engineIsLocal: loopback names and our own addresses (a bridge gateway on this machine, even down) are local; others are not', async () => {
  for (const host of ['localhost', '127.0.0.1', '::1']) assert.equal(await engineIsLocal(host), true, host);
  // TEST-NET-1 (RFC 5737) is never assigned here: an engine behind it is another machine's (or the host of a
  // sibling container), where our 127.0.0.1 reaches nothing.
  assert.equal(await engineIsLocal('192.0.2.77'), false);
  assert.equal(await engineIsLocal('docker.example'), false);
  const { execFileSync } = await import('node:child_process');
  let gateway = '';
  try {
    gateway = execFileSync('ip', ['-4', '-o', 'addr', 'show', 'docker0'], { encoding: 'utf8' }).split(/\s+/)[3]?.split('/')[0] ?? '';
  } catch {
    // no docker0 (no engine installed): the loopback and foreign cases above still ran
  }
  if (gateway) assert.equal(await engineIsLocal(gateway), true, `docker0 ${gateway} is ours`);
});

test('dockerImage: postgres:17-alpine unless a version or an image is asked for', () => {
  assert.equal(dockerImage({}), 'postgres:17-alpine');
  assert.equal(dockerImage({ postgresVersion: '15' }), 'postgres:15-alpine');
  assert.equal(dockerImage({ postgresVersion: '15', postgresImage: 'postgis/postgis:16-3.4' }), 'postgis/postgis:16-3.4');
});

test('postgres-docker: a labelled container on 127.0.0.1 with a working database; dispose removes it', async (t) => {
  const skip = await dockerSkipReason();
  if (skip) {
    t.skip(skip);
    return;
  }
  const logs: string[] = [];
  const started = performance.now();
  const db = await provisionPostgresDocker({ postgresImage: LOCAL_IMAGE, log: (l) => logs.push(l) });
  t.diagnostic(`postgres-docker (${LOCAL_IMAGE}): start to first connection ${Math.round(performance.now() - started)} ms`);
  const ours = containersLabelled(`${LABEL_PID}=${process.pid}`);
  try {
    assert.equal(db.provider, 'postgres-docker');
    assert.equal(Math.floor(db.serverVersionNum / 10000), 15);
    assert.equal(ours.length, 1, 'one container, labelled with our PID');
    const labels = containerLabels(ours[0]!);
    assert.match(labels[LABEL_RUN]!, new RegExp(`^${process.pid}-[0-9a-f]{8}$`));
    assert.ok(labels[LABEL_HOST]);
    // Published on loopback only: nothing else on the network reaches a superuser with a throwaway password.
    const addresses = publishedAddresses(ours[0]!);
    assert.ok(addresses.length > 0 && addresses.every((a) => a.startsWith('127.0.0.1:')), addresses.join(', '));
    assert.equal(new URL(db.url).hostname, '127.0.0.1');
    // Either Ryuk's image is here (present or pulled), or the provider said it cleans up without it (no registry).
    const noRyuk = logs.some((l) => /no Ryuk \(.+\); alembic-preflight removes its containers itself/.test(l));
    assert.ok(noRyuk || imageExists(RYUK_IMAGE), logs.join('\n'));
    t.diagnostic(noRyuk ? 'Ryuk: off (its image cannot be had here)' : 'Ryuk: on');
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await c.query('CREATE TABLE t (id int)');
    await c.end();
    assert.ok((await db.snapshot()).objects.some((o) => o.key === 'public.t'));
    await db.reset();
    assert.ok(!(await db.snapshot()).objects.some((o) => o.key === 'public.t'));
  } finally {
    await db.dispose();
  }
  assert.deepEqual(containersLabelled(`${LABEL_PID}=${process.pid}`), [], 'the container is removed');
  await assert.rejects(new pg.Client({ connectionString: db.url, connectionTimeoutMillis: 2_000 }).connect());
});

test('postgres-docker: an image that is not there and cannot be pulled is a user error, and leaves nothing', async (t) => {
  const skip = await dockerSkipReason(false);
  if (skip) {
    t.skip(skip);
    return;
  }
  await assert.rejects(
    provisionPostgresDocker({ postgresImage: 'alembic-preflight/does-not-exist:1' }),
    (e: Error) => e.name === 'UserError' && /could not start the alembic-preflight\/does-not-exist:1 container/.test(e.message),
  );
  assert.deepEqual(containersLabelled(`${LABEL_PID}=${process.pid}`), []);
});

for (const signal of ['SIGTERM', 'SIGINT', 'SIGKILL'] as const) {
  test(`the CLI killed by ${signal} mid-run leaves no container behind after the next run`, async (t) => {
    const skip = await dockerSkipReason();
    if (skip) {
      t.skip(skip);
      return;
    }
    let pid = 0;
    let sent = false;
    const run = await runCli(
      ['check', fixture('healthy'), '--python', venvPython(), '--database', 'postgres-docker', '--postgres-image', LOCAL_IMAGE],
      {
        onStderr: (chunk, child) => {
          pid = child.pid!;
          // Mid-run: the container is up and the checks are running on it.
          if (!sent && /postgres-docker: PostgreSQL .* ready after/.test(chunk)) {
            sent = true;
            child.kill(signal);
          }
        },
      },
    );
    assert.ok(sent, `the run never reached its database:\n${run.stderr}`);
    const left = containersLabelled(`${LABEL_PID}=${pid}`);
    if (signal === 'SIGKILL') {
      assert.equal(run.signal, 'SIGKILL');
      // Nothing ran in the killed process: its container is still there until the next run reaps it (unless Ryuk,
      // where its image can be had, got there first).
      const ryuk = process.env.TESTCONTAINERS_RYUK_DISABLED !== 'true' && imageExists(RYUK_IMAGE);
      if (!ryuk) assert.equal(left.length, 1, 'the killed run left its container (no Ryuk here to remove it)');
      const next = await provisionPostgresDocker({ postgresImage: LOCAL_IMAGE, log: (l) => t.diagnostic(l) });
      try {
        assert.deepEqual(containersLabelled(`${LABEL_PID}=${pid}`), [], 'reaped by the next start');
      } finally {
        await next.dispose();
      }
    } else {
      assert.equal(run.code, signal === 'SIGINT' ? 130 : 143, run.stderr);
      assert.deepEqual(left, [], `removed on ${signal}`);
    }
    // Whatever happens above, do not leave the engine dirty for the next test.
    removeContainers(containersLabelled(`${LABEL_PID}=${pid}`));
  });
}
