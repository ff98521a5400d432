import assert from 'node:assert/strict';
import { test } from 'node:test';
import { facts, findingsOf } from '../lint-input.ts';

const RULE = 'missing-lock-timeout';

test('a write-blocking lock on an existing table with no lock_timeout: once per revision, others in details', () => {
  const found = findingsOf(RULE, ['ALTER TABLE users ADD COLUMN a int', 'CREATE INDEX ix ON orders (b)']);
  assert.equal(found.length, 1);
  assert.equal(found[0]!.line, 10);
  assert.match(found[0]!.message, /ACCESS EXCLUSIVE on users with no lock_timeout/);
  assert.equal(found[0]!.details?.length, 1);
  assert.match(found[0]!.details![0]!, /:11: SHARE on orders/);
});

test('valid: SET LOCAL / SET lock_timeout first, weak locks, new tables', () => {
  assert.equal(findingsOf(RULE, ["SET LOCAL lock_timeout = '3s'", 'ALTER TABLE users ADD COLUMN a int']).length, 0);
  assert.equal(findingsOf(RULE, ['SET lock_timeout TO 3000', 'ALTER TABLE users ADD COLUMN a int']).length, 0);
  assert.equal(findingsOf(RULE, ["SELECT set_config('lock_timeout', '2s', true)", 'ALTER TABLE users ADD COLUMN a int']).length, 0);
  assert.equal(findingsOf(RULE, ['CREATE INDEX CONCURRENTLY ix ON users (a)'], { offline: true }).length, 0);
  assert.equal(findingsOf(RULE, ['UPDATE users SET a = 1 WHERE id = 3']).length, 0);
  assert.equal(findingsOf(RULE, ['CREATE TABLE t (a int)', 'ALTER TABLE t ADD COLUMN b int']).length, 0);
});

test("SET lock_timeout = 0, SET LOCAL outside a transaction, and a COMMIT ending a SET LOCAL don't count", () => {
  assert.equal(findingsOf(RULE, ['SET lock_timeout = 0', 'ALTER TABLE users ADD COLUMN a int']).length, 1);
  assert.equal(findingsOf(RULE, ["SET LOCAL lock_timeout = '3s'", 'COMMIT', 'ALTER TABLE users ADD COLUMN a int']).length, 1);
});

test('facts decide: the timeout in force when it ran (e.g. set in env.py) counts', () => {
  const locks = [{ relation: 'public.users', mode: 'AccessExclusiveLock' }];
  assert.equal(findingsOf(RULE, [{ sql: 'ALTER TABLE users ADD COLUMN a int', facts: facts({ locks, lockTimeout: '2s' }) }]).length, 0);
  const [f] = findingsOf(RULE, [{ sql: 'ALTER TABLE users ADD COLUMN a int', facts: facts({ locks, lockTimeout: '0' }) }]);
  assert.match(f!.message, /observed: lock_timeout was 0 when it ran/);
  assert.equal(f!.evidence?.lockTimeout, '0');
  // No lock observed on a pre-existing relation: nothing to report even without a timeout.
  assert.equal(findingsOf(RULE, [{ sql: 'ALTER TABLE users ADD COLUMN a int', facts: facts({ locks: [] }) }]).length, 0);
});
