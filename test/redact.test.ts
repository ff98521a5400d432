import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addSecret, redact } from '../src/redact.ts';

test('URL passwords are masked wherever they appear, registered or not', () => {
  assert.equal(redact('cannot connect to postgresql://app:s3cret@db:5432/app'), 'cannot connect to postgresql://app:***@db:5432/app');
  assert.equal(redact('postgresql+asyncpg://u:p%40ss@h/db and sqlite:////tmp/x.db'), 'postgresql+asyncpg://u:***@h/db and sqlite:////tmp/x.db');
});

test('a registered URL password is masked even where it appears alone', () => {
  addSecret('postgresql://ro:Very-Secret-99@prod.internal/app');
  assert.equal(redact('auth failed for password Very-Secret-99'), 'auth failed for password ***');
  addSecret('postgresql://ro:p%23pct@h/db');
  assert.equal(redact('decoded p#pct shows up'), 'decoded *** shows up');
});

test('query-string passwords, libpq keyword passwords and passwords with an unencoded @ are masked', () => {
  assert.equal(redact('postgresql://app@db/app?sslmode=require&password=qs-Secret'), 'postgresql://app@db/app?sslmode=require&password=***');
  assert.equal(redact('connection to server failed: host=db user=app password=kw-Secret dbname=x'),
    'connection to server failed: host=db user=app password=*** dbname=x');
  assert.equal(redact("dsn password='quoted secret' port=5432"), 'dsn password=*** port=5432');
  assert.equal(redact('cannot connect to postgresql://app:p@ss@w0rd@db:5432/app now'), 'cannot connect to postgresql://app:***@db:5432/app now');
  assert.equal(redact('"postgresql://app:a/b@c@db/app"'), '"postgresql://app:***@db/app"');
  assert.equal(redact('postgresql://app@db:5432/app and sqlite:////tmp/a@b.db'), 'postgresql://app@db:5432/app and sqlite:////tmp/a@b.db');
});

test('registering a URL registers its query-string password and the tail of an unencoded-@ password', () => {
  addSecret('postgresql://u@h/db?password=Reg-QS-77');
  addSecret('postgresql://u:Tail@Part-88@h/db');
  assert.equal(redact('echoed: Reg-QS-77 / Tail@Part-88 / Part-88'), 'echoed: *** / *** / Part-88');
});

test('masking is linear: pathological 200 KB lines take about as long per byte as short ones', () => {
  // Each shape made the old regular expressions quadratic (every start position scanned to the end of the line).
  const shapes = [
    (n: number) => 'a'.repeat(n),
    (n: number) => 'a:'.repeat(n / 2),
    (n: number) => 'x://'.repeat(n / 4),
    (n: number) => `postgresql://u:${'@'.repeat(n)}`,
    (n: number) => "password='".repeat(n / 10),
    (n: number) => 'ab+c.d-e'.repeat(n / 8) + '://',
  ];
  for (const shape of shapes) {
    const big = shape(200_000);
    const started = performance.now();
    redact(big);
    const ms = performance.now() - started;
    // Quadratic took 24-34 s on 200 KB; linear is a few ms. A generous bound, not a benchmark.
    assert.ok(ms < 1000, `${shape.toString()}: ${ms.toFixed(0)} ms for 200 KB`);
  }
});

test('a placeholder password (the `postgres` of CI services) is masked as a password, not as a word of our own output', () => {
  addSecret('postgresql://postgres:postgres@localhost:5432/postgres');
  assert.equal(redact('postgresql://postgres:postgres@localhost:5432/app'), 'postgresql://postgres:***@localhost:5432/app');
  assert.equal(redact('database: postgres-url (a server URL was given)'), 'database: postgres-url (a server URL was given)');
  addSecret('postgresql://u:Zq8-long-Secret@h/db');
  assert.equal(redact('echo Zq8-long-Secret'), 'echo ***');
});
