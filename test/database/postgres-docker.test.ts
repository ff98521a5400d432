import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { dockerAvailable, dockerImage, provisionPostgresDocker } from '../../src/database/postgres-docker.ts';

test('dockerAvailable answers quickly, whether or not an engine runs', async () => {
  const started = performance.now();
  const answer = await dockerAvailable();
  assert.equal(typeof answer, 'boolean');
  assert.ok(performance.now() - started < 6_000);
});

test('dockerImage: postgres:17-alpine unless a version or an image is asked for', () => {
  assert.equal(dockerImage({}), 'postgres:17-alpine');
  assert.equal(dockerImage({ postgresVersion: '15' }), 'postgres:15-alpine');
  assert.equal(dockerImage({ postgresVersion: '15', postgresImage: 'postgis/postgis:16-3.4' }), 'postgis/postgis:16-3.4');
});

test('postgres-docker: a container with a working database; dispose removes it', async (t) => {
  if (!(await dockerAvailable())) {
    t.skip('no Docker engine answers on this machine (DOCKER_HOST / docker.sock)');
    return;
  }
  const db = await provisionPostgresDocker({});
  try {
    assert.equal(db.provider, 'postgres-docker');
    assert.equal(Math.floor(db.serverVersionNum / 10000), 17);
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
  await assert.rejects(new pg.Client({ connectionString: db.url }).connect());
});
