import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf } from '../lint-input.ts';

const RULE = 'unbatched-backfill';

test('UPDATE/DELETE without WHERE, and a NULL-only backfill, on an existing table', () => {
  assert.match(findingsOf(RULE, ["UPDATE users SET plan = 'free'"])[0]!.message, /has no WHERE/);
  assert.match(findingsOf(RULE, ["UPDATE users SET plan = 'free' WHERE plan IS NULL"])[0]!.message, /filters only on NULLs/);
  assert.equal(findingsOf(RULE, ['DELETE FROM sessions']).length, 1);
  assert.equal(findingsOf(RULE, ["UPDATE users SET plan = 'free'"], { dialect: 'sqlite', serverVersionNum: 3045000 }).length, 1);
});

test('valid: batched by key range or LIMIT subquery, a targeted WHERE, a new table, alembic_version', () => {
  assert.equal(findingsOf(RULE, ["UPDATE users SET plan = 'free' WHERE id IN (SELECT id FROM users WHERE plan IS NULL LIMIT 5000)"]).length, 0);
  assert.equal(findingsOf(RULE, ["UPDATE users SET plan = 'free' WHERE id BETWEEN 1 AND 5000 AND plan IS NULL"]).length, 0);
  assert.equal(findingsOf(RULE, ["DELETE FROM sessions WHERE expires_at < now()"]).length, 0);
  assert.equal(findingsOf(RULE, ['CREATE TABLE t (a int)', 'UPDATE t SET a = 1']).length, 0);
  assert.equal(findingsOf(RULE, ["UPDATE alembic_version SET version_num='b'"]).length, 0);
});
