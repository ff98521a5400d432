import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf } from '../lint-input.ts';

const RULE = 'unique-without-using-index';

test('UNIQUE, PRIMARY KEY and UNIQUE columns added to an existing table', () => {
  assert.match(findingsOf(RULE, ['ALTER TABLE users ADD CONSTRAINT uq_email UNIQUE (email)'])[0]!.message, /UNIQUE uq_email added to existing table users without USING INDEX/);
  assert.match(findingsOf(RULE, ['ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY (id)'])[0]!.message, /PRIMARY KEY users_pkey/);
  assert.equal(findingsOf(RULE, ['ALTER TABLE users ADD COLUMN code text UNIQUE']).length, 1);
});

test('valid: USING INDEX, new table', () => {
  assert.equal(findingsOf(RULE, ['ALTER TABLE users ADD CONSTRAINT uq UNIQUE USING INDEX uq_idx']).length, 0);
  assert.equal(findingsOf(RULE, ['ALTER TABLE users ADD CONSTRAINT pk PRIMARY KEY USING INDEX pk_idx']).length, 0);
  assert.equal(findingsOf(RULE, ['CREATE TABLE t (a int)', 'ALTER TABLE t ADD CONSTRAINT uq UNIQUE (a)']).length, 0);
});
