import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserError } from '../../src/errors.ts';
import { dockerAvailable } from '../../src/database/postgres-docker.ts';
import { provisionDatabase } from '../../src/database/select.ts';

test('auto on a SQLite project gives sqlite', async () => {
  const logs: string[] = [];
  const db = await provisionDatabase('auto', 'sqlite', { log: (l) => logs.push(l) });
  try {
    assert.equal(db.provider, 'sqlite');
    assert.equal(db.reason, 'the project uses SQLite');
    assert.ok(logs.includes('database: sqlite (the project uses SQLite)'));
  } finally {
    await db.dispose();
  }
});

test('auto on a PostgreSQL project: Docker when it answers, else local binaries, with the reason', async () => {
  const docker = await dockerAvailable();
  const db = await provisionDatabase('auto', 'postgresql', {});
  try {
    assert.equal(db.provider, docker ? 'postgres-docker' : 'postgres-local');
    assert.match(db.reason, docker ? /Docker engine answers/ : /no Docker engine answers, local binaries were found/);
    assert.equal(db.dialect, 'postgresql');
  } finally {
    await db.dispose();
  }
});

test('auto with no way to get a database: a user error listing the three ways', async (t) => {
  if (await dockerAvailable()) {
    t.skip('a Docker engine answers here, so auto would use it');
    return;
  }
  // No PostgreSQL 9 binaries exist here, which is the "nothing found" path.
  const error = await provisionDatabase('auto', null, { postgresVersion: '9' }).then(
    () => assert.fail('should have failed'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof UserError);
  assert.match(error.message, /no way to get a throwaway PostgreSQL 9/);
  assert.match(error.detail ?? '', /install PostgreSQL/);
  assert.match(error.detail ?? '', /Docker/);
  assert.match(error.detail ?? '', /--database postgresql:\/\//);
});

test('an explicit choice is used as asked (sqlite for a PostgreSQL project) and says so', async () => {
  const db = await provisionDatabase('sqlite', 'postgresql', {});
  try {
    assert.equal(db.provider, 'sqlite');
    assert.equal(db.reason, '--database sqlite');
  } finally {
    await db.dispose();
  }
});

test('a URL that is not PostgreSQL is refused before anything is created', async () => {
  await assert.rejects(provisionDatabase({ url: 'sqlite:///x.db' }, 'sqlite', {}), UserError);
});
