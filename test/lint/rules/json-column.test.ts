import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf } from '../lint-input.ts';

const RULE = 'json-column';

test('json columns (sa.JSON on PostgreSQL)', () => {
  assert.match(findingsOf(RULE, ['CREATE TABLE t (payload JSON)'])[0]!.message, /t\.payload is json/);
  assert.equal(findingsOf(RULE, ['ALTER TABLE t ALTER COLUMN payload TYPE json']).length, 1);
});

test('valid: jsonb', () => {
  assert.equal(findingsOf(RULE, ["CREATE TABLE t (payload JSONB DEFAULT '{}'::jsonb)"]).length, 0);
});
