import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf } from '../lint-input.ts';

const RULE = 'enum-value-in-transaction';

test('before PostgreSQL 12, ADD VALUE inside a transaction is refused (offline SQL: Alembic wraps it in one)', () => {
  const [f] = findingsOf(RULE, ["ALTER TYPE status ADD VALUE 'archived'"], { serverVersionNum: 110000, offline: true });
  assert.equal(f?.severity, 'error');
  assert.match(f!.message, /PostgreSQL 11 \(before 12\) refuses/);
  assert.equal(findingsOf(RULE, ['COMMIT', "ALTER TYPE status ADD VALUE 'archived'", 'BEGIN'], { serverVersionNum: 110000, offline: true }).length, 0);
  // In a trace it ran, so it was outside a transaction (the server would have refused it otherwise).
  assert.equal(findingsOf(RULE, ["ALTER TYPE status ADD VALUE 'archived'"], { serverVersionNum: 110000 }).length, 0);
});

test('PostgreSQL 12+: using the new value in the same transaction is reported at the use', () => {
  const [f] = findingsOf(RULE, ["ALTER TYPE status ADD VALUE 'archived'", "UPDATE tickets SET status = 'archived' WHERE id = 1"]);
  assert.equal(f?.line, 11);
  assert.match(f!.message, /unsafe use of new value/);
  assert.equal(findingsOf(RULE, ["ALTER TYPE status ADD VALUE 'archived'"]).length, 0);
  assert.equal(findingsOf(RULE, ["ALTER TYPE status ADD VALUE 'archived'", 'COMMIT', 'BEGIN', "UPDATE t SET s = 'archived' WHERE id = 1"]).length, 0);
});
