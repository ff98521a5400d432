import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf } from '../lint-input.ts';

const RULE = 'add-required-column';

test('NOT NULL column without a default on an existing table is an error', () => {
  const [f] = findingsOf(RULE, ['ALTER TABLE users ADD COLUMN plan TEXT NOT NULL']);
  assert.equal(f?.severity, 'error');
  assert.match(f!.message, /users\.plan is added NOT NULL without a DEFAULT/);
  assert.equal(findingsOf(RULE, ['ALTER TABLE users ADD COLUMN plan TEXT DEFAULT NULL NOT NULL']).length, 1);
  assert.equal(findingsOf(RULE, ['ALTER TABLE users ADD COLUMN plan TEXT NOT NULL'], { dialect: 'sqlite', serverVersionNum: 3045000 }).length, 1);
});

test('valid: a default, nullable, serial/identity, a new table', () => {
  assert.equal(findingsOf(RULE, ["ALTER TABLE users ADD COLUMN plan TEXT DEFAULT 'free' NOT NULL"]).length, 0);
  assert.equal(findingsOf(RULE, ['ALTER TABLE users ADD COLUMN plan TEXT']).length, 0);
  assert.equal(findingsOf(RULE, ['ALTER TABLE users ADD COLUMN n BIGSERIAL NOT NULL']).length, 0);
  assert.equal(findingsOf(RULE, ['ALTER TABLE users ADD COLUMN n BIGINT GENERATED ALWAYS AS IDENTITY NOT NULL']).length, 0);
  assert.equal(findingsOf(RULE, ['CREATE TABLE t (a int)', 'ALTER TABLE t ADD COLUMN b int NOT NULL']).length, 0);
});

test('valid: the same migration emptied the table first (DELETE without WHERE, TRUNCATE); a partial DELETE does not count', () => {
  assert.equal(findingsOf(RULE, ['DELETE FROM users', 'ALTER TABLE users ADD COLUMN plan TEXT NOT NULL']).length, 0);
  assert.equal(findingsOf(RULE, ['TRUNCATE TABLE users, teams', 'ALTER TABLE users ADD COLUMN plan TEXT NOT NULL']).length, 0);
  assert.equal(findingsOf(RULE, ['DELETE FROM users', 'ALTER TABLE users ADD COLUMN plan TEXT NOT NULL'], { dialect: 'sqlite', serverVersionNum: 3045000 }).length, 0);
  assert.equal(findingsOf(RULE, ['DELETE FROM users WHERE id < 10', 'ALTER TABLE users ADD COLUMN plan TEXT NOT NULL']).length, 1);
  assert.equal(findingsOf(RULE, ['ALTER TABLE users ADD COLUMN plan TEXT NOT NULL', 'DELETE FROM users']).length, 1, 'emptied only after');
});
