import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf } from '../lint-input.ts';

const RULE = 'unbatched-backfill';

test('a NULL-only backfill of an existing table in one statement is a notice', () => {
  const [f] = findingsOf(RULE, ["UPDATE users SET plan = 'free' WHERE plan IS NULL"]);
  assert.equal(f?.severity, 'notice');
  assert.match(f!.message, /filters only on NULLs/);
  assert.equal(findingsOf(RULE, ['UPDATE users SET a = 0, b = 0 WHERE a IS NULL OR b IS NULL']).length, 1);
  assert.equal(findingsOf(RULE, ["UPDATE users SET plan = 'free' WHERE plan IS NULL"], { dialect: 'sqlite', serverVersionNum: 3045000 }).length, 1);
});

test('valid: batched by key range or LIMIT subquery, a targeted WHERE, no WHERE (update-without-where), a new table', () => {
  assert.equal(findingsOf(RULE, ["UPDATE users SET plan = 'free' WHERE id IN (SELECT id FROM users WHERE plan IS NULL LIMIT 5000)"]).length, 0);
  assert.equal(findingsOf(RULE, ["UPDATE users SET plan = 'free' WHERE id BETWEEN 1 AND 5000 AND plan IS NULL"]).length, 0);
  assert.equal(findingsOf(RULE, ["UPDATE users SET plan = 'free' WHERE status = 'trial'"]).length, 0);
  assert.equal(findingsOf(RULE, ["UPDATE users SET plan = 'free'"]).length, 0);
  assert.equal(findingsOf(RULE, ['CREATE TABLE t (a int)', 'UPDATE t SET a = 1 WHERE a IS NULL']).length, 0);
});
