import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf } from '../lint-input.ts';

const RULE = 'rename-column';

test('renaming a column of an existing table (both spellings Alembic emits)', () => {
  assert.match(findingsOf(RULE, ['ALTER TABLE users RENAME COLUMN name TO full_name'])[0]!.message, /users\.name to full_name/);
  assert.equal(findingsOf(RULE, ['ALTER TABLE users RENAME name TO full_name']).length, 1);
  assert.equal(findingsOf(RULE, ['ALTER TABLE users RENAME COLUMN name TO full_name'], { dialect: 'sqlite', serverVersionNum: 3045000 }).length, 1);
});

test('valid: a table created in the revision', () => {
  assert.equal(findingsOf(RULE, ['CREATE TABLE t (a int)', 'ALTER TABLE t RENAME COLUMN a TO b']).length, 0);
});
