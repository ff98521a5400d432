import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf } from '../lint-input.ts';

const RULE = 'timestamp-without-time-zone';

test('timestamp columns (sa.DateTime()) in CREATE TABLE, ADD COLUMN and type changes', () => {
  assert.match(findingsOf(RULE, ['CREATE TABLE t (created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL)'])[0]!.message, /t\.created_at is timestamp without time zone/);
  assert.equal(findingsOf(RULE, ['ALTER TABLE t ADD COLUMN at timestamp(3)']).length, 1);
  assert.equal(findingsOf(RULE, ['ALTER TABLE t ALTER COLUMN at TYPE timestamp']).length, 1);
});

test('valid: timestamptz in any spelling', () => {
  assert.equal(findingsOf(RULE, ['CREATE TABLE t (a TIMESTAMP WITH TIME ZONE, b timestamptz, c TIMESTAMP(3) WITH TIME ZONE)']).length, 0);
});
