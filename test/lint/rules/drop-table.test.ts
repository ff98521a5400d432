import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf } from '../lint-input.ts';

const RULE = 'drop-table';

test('dropping or truncating an existing table', () => {
  assert.match(findingsOf(RULE, ['DROP TABLE audit_log'])[0]!.message, /Dropping table audit_log destroys its data/);
  assert.equal(findingsOf(RULE, ['DROP TABLE IF EXISTS a, b CASCADE']).length, 2);
  assert.match(findingsOf(RULE, ['TRUNCATE audit_log'])[0]!.message, /deletes every row/);
});

test('valid: SQLite batch mode replacing the table with its copy, a table created in the revision', () => {
  const batch = [
    'CREATE TABLE _alembic_tmp_users (id INTEGER NOT NULL, PRIMARY KEY (id))',
    'INSERT INTO _alembic_tmp_users (id) SELECT users.id FROM users',
    'DROP TABLE users',
    'ALTER TABLE _alembic_tmp_users RENAME TO users',
  ];
  assert.equal(findingsOf(RULE, batch, { dialect: 'sqlite', serverVersionNum: 3045000 }).length, 0);
  assert.equal(findingsOf(RULE, ['CREATE TABLE t (a int)', 'DROP TABLE t']).length, 0);
});
