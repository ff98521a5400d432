import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf } from '../lint-input.ts';

const RULE = 'update-without-where';

test('UPDATE without WHERE on an existing table (DELETE is delete-without-where)', () => {
  const [f] = findingsOf(RULE, ["UPDATE users SET status = 'active'"]);
  assert.equal(f?.severity, 'warning');
  assert.match(f!.message, /UPDATE on users has no WHERE: it changes every row/);
  assert.equal(findingsOf(RULE, ['DELETE FROM sessions']).length, 0);
  assert.equal(findingsOf(RULE, ["UPDATE users SET plan = 'free'"], { dialect: 'sqlite', serverVersionNum: 3045000 }).length, 1);
});

test('valid: any WHERE, a new table, alembic_version', () => {
  assert.equal(findingsOf(RULE, ["UPDATE users SET plan = 'free' WHERE plan IS NULL"]).length, 0);
  assert.equal(findingsOf(RULE, ['DELETE FROM sessions WHERE expires_at < now()']).length, 0);
  assert.equal(findingsOf(RULE, ['CREATE TABLE t (a int)', 'UPDATE t SET a = 1']).length, 0);
  assert.equal(findingsOf(RULE, ["UPDATE alembic_version SET version_num='b'"]).length, 0);
});
