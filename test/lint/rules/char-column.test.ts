import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf } from '../lint-input.ts';

const RULE = 'char-column';

test('char(n) and character(n)', () => {
  assert.match(findingsOf(RULE, ['CREATE TABLE t (code CHAR(3))'])[0]!.message, /t\.code is char\(3\)/);
  assert.equal(findingsOf(RULE, ['ALTER TABLE t ADD COLUMN c character(2)']).length, 1);
});

test('valid: varchar, character varying, text', () => {
  assert.equal(findingsOf(RULE, ['CREATE TABLE t (a VARCHAR(3), b character varying(2), c text)']).length, 0);
});
