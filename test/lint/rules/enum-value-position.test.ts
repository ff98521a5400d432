import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf } from '../lint-input.ts';

const RULE = 'enum-value-position';

test('ADD VALUE without BEFORE/AFTER', () => {
  const [f] = findingsOf(RULE, ["ALTER TYPE status ADD VALUE 'pending'"]);
  assert.equal(f?.severity, 'notice');
  assert.match(f!.message, /status ADD VALUE 'pending' has no BEFORE\/AFTER/);
});

test('valid: a position given', () => {
  assert.equal(findingsOf(RULE, ["ALTER TYPE status ADD VALUE 'pending' BEFORE 'approved'"]).length, 0);
  assert.equal(findingsOf(RULE, ["ALTER TYPE status ADD VALUE IF NOT EXISTS 'pending' AFTER 'draft'"]).length, 0);
});
