import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf } from '../lint-input.ts';

const RULE = 'drop-column';

test('dropping a column of an existing table', () => {
  const [f] = findingsOf(RULE, ['ALTER TABLE users DROP COLUMN legacy_flag']);
  assert.equal(f?.severity, 'warning');
  assert.match(f!.message, /users\.legacy_flag destroys its data/);
  assert.equal(findingsOf(RULE, ['ALTER TABLE users DROP COLUMN x'], { dialect: 'sqlite', serverVersionNum: 3045000 }).length, 1);
});

test('valid: a new table', () => {
  assert.equal(findingsOf(RULE, ['CREATE TABLE t (a int, b int)', 'ALTER TABLE t DROP COLUMN b']).length, 0);
});
