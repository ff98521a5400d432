import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseDriver, databaseName, maskUrl, maskUrlsIn, sqliteUrl, urlScheme, withDatabase, withDriver } from '../../src/database/url.ts';

test('maskUrl hides the password in the user info and in a password= parameter', () => {
  assert.equal(maskUrl('postgresql://app:s3cr%40t@db.example:5432/prod'), 'postgresql://app:***@db.example:5432/prod');
  assert.equal(maskUrl('postgresql+asyncpg://app:pw@h/db?sslmode=require'), 'postgresql+asyncpg://app:***@h/db?sslmode=require');
  assert.equal(maskUrl('postgresql://h/db?user=a&password=pw&x=1'), 'postgresql://h/db?user=a&password=***&x=1');
  assert.equal(maskUrl('postgresql://app@h/db'), 'postgresql://app@h/db');
  assert.equal(maskUrl('sqlite:////tmp/x.db'), 'sqlite:////tmp/x.db');
  assert.equal(maskUrlsIn('cannot reach postgresql://u:pw@h/db (timeout)'), 'cannot reach postgresql://u:***@h/db (timeout)');
});

test('withDriver sets, replaces and removes the driver part, and picks an async driver for async env.py', () => {
  assert.equal(withDriver('postgresql://u@h:1/db', 'asyncpg'), 'postgresql+asyncpg://u@h:1/db');
  assert.equal(withDriver('postgresql+psycopg2://u@h:1/db', 'psycopg'), 'postgresql+psycopg://u@h:1/db');
  assert.equal(withDriver('postgres://u@h:1/db', null), 'postgresql://u@h:1/db');
  assert.equal(withDriver('postgresql+asyncpg://u@h:1/db', null), 'postgresql://u@h:1/db');
  assert.equal(withDriver('postgresql://u@h/db', null, true), 'postgresql+asyncpg://u@h/db');
  assert.equal(withDriver('sqlite:////tmp/a.db', null, true), 'sqlite+aiosqlite:////tmp/a.db');
  assert.equal(withDriver('sqlite:////tmp/a.db', 'pysqlite', true), 'sqlite+pysqlite:////tmp/a.db');
  assert.throws(() => withDriver('not a url', null), /not a database URL/);
});

test('urlScheme normalises postgres:// to postgresql', () => {
  assert.deepEqual(urlScheme('postgres://h/db'), { dialect: 'postgresql', driver: null });
  assert.deepEqual(urlScheme('postgresql+asyncpg://h/db'), { dialect: 'postgresql', driver: 'asyncpg' });
  assert.equal(urlScheme('/just/a/path'), null);
});

test('withDatabase swaps the database name and keeps credentials and query', () => {
  assert.equal(withDatabase('postgresql://u:p@h:5432/postgres?sslmode=require', 'preflight_1'),
    'postgresql://u:p@h:5432/preflight_1?sslmode=require');
  assert.equal(withDatabase('postgresql://u:p@h:5432', 'x'), 'postgresql://u:p@h:5432/x');
  assert.equal(withDatabase('postgresql://u:p@h?sslmode=disable', 'x'), 'postgresql://u:p@h/x?sslmode=disable');
  assert.equal(databaseName('postgresql://u:p@h:5432/my%20db?x=1'), 'my db');
  assert.equal(databaseName('postgresql://u:p@h:5432'), null);
  assert.equal(databaseName('postgresql://u:p@h/db'), 'db');
});

test('sqliteUrl makes the four-slash absolute form', () => {
  assert.equal(sqliteUrl('/tmp/x/preflight.db'), 'sqlite:////tmp/x/preflight.db');
});

test('chooseDriver: the project\'s named driver, else the installed one, async only where the project named no dialect', () => {
  const sa21 = (...installed: string[]) => ({ installed, defaults: { postgresql: 'psycopg', sqlite: 'pysqlite' } });
  const ini = (driver: string | null) => ({ driver, source: 'sqlalchemy.url' });
  assert.equal(chooseDriver('postgresql', ini('pg8000'), false, sa21('psycopg2')).driver, 'pg8000');
  assert.equal(chooseDriver('postgresql', null, false, sa21('psycopg2', 'asyncpg')).driver, 'psycopg2');
  assert.equal(chooseDriver('postgresql', null, false, sa21('psycopg2', 'psycopg')).driver, 'psycopg');
  assert.equal(chooseDriver('postgresql', ini(null), false, sa21('pg8000')).driver, 'pg8000');
  assert.equal(chooseDriver('postgresql', null, true, sa21('psycopg2', 'asyncpg')).driver, 'asyncpg');
  assert.equal(chooseDriver('postgresql', null, true, sa21('psycopg')).driver, 'psycopg');
  assert.equal(chooseDriver('postgresql', ini(null), true, sa21('psycopg', 'asyncpg')).driver, 'psycopg');
  assert.equal(chooseDriver('sqlite', ini(null), true, sa21('aiosqlite')).name, 'pysqlite');
  assert.equal(chooseDriver('sqlite', null, true, sa21('aiosqlite')).driver, 'aiosqlite');
  assert.equal(chooseDriver('sqlite', ini('aiosqlite'), false, sa21()).driver, 'aiosqlite');
  assert.match(chooseDriver('postgresql', null, false, sa21()).reason, /not installed/);
});
