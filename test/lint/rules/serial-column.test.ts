import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf } from '../lint-input.ts';

const RULE = 'serial-column';

test('serial, bigserial, smallserial', () => {
  assert.match(findingsOf(RULE, ['CREATE TABLE t (id SERIAL NOT NULL, PRIMARY KEY (id))'])[0]!.message, /t\.id is serial/);
  assert.equal(findingsOf(RULE, ['CREATE TABLE t (id BIGSERIAL, n SMALLSERIAL)']).length, 2);
});

test('valid: identity columns', () => {
  assert.equal(findingsOf(RULE, ['CREATE TABLE t (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY)']).length, 0);
});
