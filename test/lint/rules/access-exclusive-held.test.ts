import assert from 'node:assert/strict';
import { test } from 'node:test';
import { facts, findingsOf, WITH_TIMEOUT } from '../lint-input.ts';

const RULE = 'access-exclusive-held';

test('a backfill after ACCESS EXCLUSIVE in the same transaction is reported at the backfill', () => {
  const [f, ...rest] = findingsOf(RULE, [WITH_TIMEOUT, 'ALTER TABLE users ADD COLUMN plan text', "UPDATE users SET plan = 'free' WHERE id < 100"]);
  assert.equal(rest.length, 0);
  assert.equal(f?.line, 12);
  assert.match(f!.message, /data change on users.*ACCESS EXCLUSIVE on users, taken at .*:11/);
});

test('a lock on another table while holding one is reported', () => {
  const [f] = findingsOf(RULE, [WITH_TIMEOUT, 'ALTER TABLE users ADD COLUMN a int', 'ALTER TABLE orders ADD COLUMN b int']);
  assert.match(f!.message, /another table, orders/);
});

test('observed locks are used when present', () => {
  const [f] = findingsOf(RULE, [
    { sql: 'ALTER TABLE users ADD COLUMN a int', facts: facts({ locks: [{ relation: 'public.users', mode: 'AccessExclusiveLock' }] }) },
    { sql: 'CREATE INDEX ix ON users (a)', facts: facts({ locks: [{ relation: 'public.users', mode: 'ShareLock' }] }) },
  ]);
  assert.match(f!.message, /index build on users/);
});

test('valid: quick catalog changes on the same table, a COMMIT in between, new tables', () => {
  assert.equal(findingsOf(RULE, [WITH_TIMEOUT, 'ALTER TABLE users ADD COLUMN a int', 'ALTER TABLE users ADD COLUMN b int', "COMMENT ON COLUMN users.a IS 'x'"]).length, 0);
  assert.equal(findingsOf(RULE, ['ALTER TABLE users ADD COLUMN a int', 'COMMIT', 'BEGIN', 'UPDATE users SET a = 1']).length, 0);
  assert.equal(findingsOf(RULE, ['CREATE TABLE t (a int)', 'ALTER TABLE t ADD COLUMN b int', 'INSERT INTO t (a) VALUES (1)']).length, 0);
});
