import assert from 'node:assert/strict';
import { test } from 'node:test';
import { facts, findingsOf } from '../lint-input.ts';

const RULE = 'drop-index-not-concurrently';

test('DROP INDEX without CONCURRENTLY is reported', () => {
  const [f] = findingsOf(RULE, ['DROP INDEX ix_users_email']);
  assert.equal(f?.severity, 'warning');
  assert.match(f!.message, /DROP INDEX ix_users_email without CONCURRENTLY/);
});

test('valid: CONCURRENTLY, an index created in the same revision, facts showing no lock on anything pre-existing', () => {
  assert.equal(findingsOf(RULE, ['DROP INDEX CONCURRENTLY ix_a']).length, 0);
  assert.equal(findingsOf(RULE, ['CREATE INDEX ix_a ON users (a)', 'DROP INDEX ix_a']).length, 0);
  assert.equal(findingsOf(RULE, [{ sql: 'DROP INDEX ix_tmp', facts: facts({ locks: [] }) }]).length, 0);
});

test('with facts the observed ACCESS EXCLUSIVE is the evidence', () => {
  const [f] = findingsOf(RULE, [
    { sql: 'DROP INDEX ix_a', facts: facts({ locks: [{ relation: 'users', mode: 'AccessExclusiveLock' }, { relation: 'ix_a', mode: 'AccessExclusiveLock' }] }) },
  ]);
  assert.deepEqual(f?.evidence?.locks, ['users: ACCESS EXCLUSIVE', 'ix_a: ACCESS EXCLUSIVE']);
});
