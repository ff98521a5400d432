import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf } from '../lint-input.ts';

const RULE = 'delete-without-where';

test('DELETE without WHERE on an existing table, on both dialects', () => {
  const [f] = findingsOf(RULE, ['DELETE FROM sessions']);
  assert.equal(f?.severity, 'warning');
  assert.match(f!.message, /DELETE on sessions has no WHERE: it deletes every row/);
  assert.equal(findingsOf(RULE, ['DELETE FROM sessions'], { dialect: 'sqlite', serverVersionNum: 3045000 }).length, 1);
  assert.equal(findingsOf('update-without-where', ['DELETE FROM sessions']).length, 0, 'not reported as an UPDATE');
});

test('valid: a WHERE, a new table, alembic_version', () => {
  assert.equal(findingsOf(RULE, ['DELETE FROM sessions WHERE expires_at < now()']).length, 0);
  assert.equal(findingsOf(RULE, ['CREATE TABLE t (a int)', 'DELETE FROM t']).length, 0);
  assert.equal(findingsOf(RULE, ["DELETE FROM alembic_version WHERE version_num='b'"]).length, 0);
});
