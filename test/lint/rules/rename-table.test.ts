import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf } from '../lint-input.ts';

const RULE = 'rename-table';

test('renaming an existing table', () => {
  const [f] = findingsOf(RULE, ['ALTER TABLE users RENAME TO accounts']);
  assert.match(f!.message, /Renaming table users to accounts/);
  assert.match(f!.hint!, /CREATE VIEW users/);
});

test('valid: SQLite batch mode moving its temporary copy into place, a new table', () => {
  const batch = [
    'CREATE TABLE _alembic_tmp_users (id INTEGER NOT NULL, email VARCHAR(50) NOT NULL, PRIMARY KEY (id))',
    'INSERT INTO _alembic_tmp_users (id, email) SELECT users.id, users.email FROM users',
    'DROP TABLE users',
    'ALTER TABLE _alembic_tmp_users RENAME TO users',
  ];
  assert.equal(findingsOf(RULE, batch, { dialect: 'sqlite', serverVersionNum: 3045000 }).length, 0);
  assert.equal(findingsOf(RULE, ['CREATE TABLE t (a int)', 'ALTER TABLE t RENAME TO u']).length, 0);
});
