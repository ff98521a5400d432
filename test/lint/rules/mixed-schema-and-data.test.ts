import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf } from '../lint-input.ts';

const RULE = 'mixed-schema-and-data';

test('a schema change and a data change to an existing table in one revision', () => {
  const [f] = findingsOf(RULE, ['ALTER TABLE users ADD COLUMN plan text', "UPDATE users SET plan = 'free' WHERE id = 1"]);
  assert.equal(f?.severity, 'notice');
  assert.equal(f?.line, 11);
  assert.match(f!.message, /schema at .*:10/);
});

test('valid: seed rows for a new table, data only, schema only, alembic_version, SQLite batch copy', () => {
  assert.equal(findingsOf(RULE, ['CREATE TABLE plans (name text)', "INSERT INTO plans (name) VALUES ('free')"]).length, 0);
  assert.equal(findingsOf(RULE, ["UPDATE users SET plan = 'free' WHERE id = 1"]).length, 0);
  assert.equal(findingsOf(RULE, ['ALTER TABLE users ADD COLUMN plan text', "UPDATE alembic_version SET version_num='b'"]).length, 0);
  assert.equal(
    findingsOf(RULE, ['CREATE TABLE _alembic_tmp_u (id INTEGER)', 'INSERT INTO _alembic_tmp_u (id) SELECT u.id FROM u', 'DROP TABLE u', 'ALTER TABLE _alembic_tmp_u RENAME TO u'], { dialect: 'sqlite', serverVersionNum: 3045000 }).length,
    0,
  );
});
