import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf } from '../lint-input.ts';

const RULE = 'identifier-too-long';

test('names over 63 bytes, counted in UTF-8 bytes', () => {
  const long = `ix_${'a'.repeat(61)}`; // 64 bytes
  const [f] = findingsOf(RULE, [`CREATE INDEX ${long} ON t (a)`]);
  assert.match(f!.message, /is 64 bytes: PostgreSQL truncates it to "ix_a{60}"/);
  assert.equal(findingsOf(RULE, [`ALTER TABLE t ADD COLUMN "${'é'.repeat(32)}" int`]).length, 1, '64 bytes in 32 characters');
  assert.equal(findingsOf(RULE, [`CREATE TABLE t (a int, CONSTRAINT ${'c'.repeat(70)} CHECK (a > 0))`]).length, 1);
});

test('valid: 63 bytes', () => {
  assert.equal(findingsOf(RULE, [`CREATE INDEX ix_${'a'.repeat(60)} ON t (a)`]).length, 0);
});
