import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf } from '../lint-input.ts';

const RULE = 'set-not-null';

test('SET NOT NULL on an existing column is reported', () => {
  const [f] = findingsOf(RULE, ['ALTER TABLE users ALTER COLUMN email SET NOT NULL']);
  assert.match(f!.message, /SET NOT NULL on users\.email scans every row/);
  assert.match(f!.hint!, /VALIDATE CONSTRAINT/);
});

test('PostgreSQL 12+: a validated CHECK (col IS NOT NULL) lets SET NOT NULL skip the scan', () => {
  const steps = [
    'ALTER TABLE users ADD CONSTRAINT ck_email_nn CHECK (email IS NOT NULL) NOT VALID',
    'COMMIT',
    'BEGIN',
    'ALTER TABLE users VALIDATE CONSTRAINT ck_email_nn',
    'ALTER TABLE users ALTER COLUMN email SET NOT NULL',
  ];
  assert.equal(findingsOf(RULE, steps, { serverVersionNum: 120000 }).length, 0);
  assert.equal(findingsOf(RULE, steps, { serverVersionNum: 110000 }).length, 1, 'before 12 the scan always happens');
  assert.equal(findingsOf(RULE, steps.slice(0, 3).concat(steps[4]!)).length, 1, 'a CHECK never validated proves nothing');
});

test('valid: a table created in the revision', () => {
  assert.equal(findingsOf(RULE, ['CREATE TABLE t (a int)', 'ALTER TABLE t ALTER COLUMN a SET NOT NULL']).length, 0);
});
