import assert from 'node:assert/strict';
import { test } from 'node:test';
import { envValues, parseEnvEntry, urlParts } from '../../src/database/env-values.ts';

test('a bare name gets the whole URL; NAME=template gets the parts', () => {
  const url = 'postgresql+psycopg2://preflight:s%40cret@127.0.0.1:54321/preflight';
  assert.deepEqual(envValues(['DATABASE_URL', 'POSTGRES_SERVER={host}', 'POSTGRES_PORT={port}', 'POSTGRES_USER={user}',
    'POSTGRES_PASSWORD={password}', 'POSTGRES_DB={database}', 'DB_DRIVER={driver}'], url), {
    DATABASE_URL: url,
    POSTGRES_SERVER: '127.0.0.1',
    POSTGRES_PORT: '54321',
    POSTGRES_USER: 'preflight',
    POSTGRES_PASSWORD: 's@cret',
    POSTGRES_DB: 'preflight',
    DB_DRIVER: 'psycopg2',
  });
  assert.equal(envValues(['DSN=host={host} dbname={database}'], url).DSN, 'host=127.0.0.1 dbname=preflight');
});

test('a Unix-socket URL gives the socket directory as host; SQLite gives the file as database', () => {
  assert.equal(urlParts('postgresql://me@/db?host=/tmp/x&port=5433').host, '/tmp/x');
  assert.equal(urlParts('postgresql://me@/db?host=/tmp/x&port=5433').port, '5433');
  assert.equal(urlParts('sqlite:////tmp/a/b.db').database, '/tmp/a/b.db');
});

test('an unknown placeholder is bad input naming the entry', () => {
  assert.throws(() => parseEnvEntry('X={hostname}'), /--env-vars X: unknown placeholder \{hostname\}/);
});
