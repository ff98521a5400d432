import assert from 'node:assert/strict';
import { test } from 'node:test';
import { facts, findingsOf } from '../lint-input.ts';

const RULE = 'validate-in-same-transaction';

test('VALIDATE in the transaction that added the constraint NOT VALID is reported at the VALIDATE', () => {
  const [f] = findingsOf(RULE, [
    'ALTER TABLE accounts ADD CONSTRAINT ck_balance CHECK (balance >= 0) NOT VALID',
    'ALTER TABLE accounts VALIDATE CONSTRAINT ck_balance',
  ]);
  assert.equal(f?.line, 11);
  assert.match(f!.message, /ck_balance on accounts runs in the same transaction/);
  assert.match(String(f!.evidence?.addedAt), /:10$/);
});

test('valid: a COMMIT in between, observed separate transactions, a new table', () => {
  assert.equal(
    findingsOf(RULE, ['ALTER TABLE a ADD CONSTRAINT ck CHECK (x > 0) NOT VALID', 'COMMIT', 'BEGIN', 'ALTER TABLE a VALIDATE CONSTRAINT ck']).length,
    0,
  );
  assert.equal(
    findingsOf(RULE, [
      { sql: 'ALTER TABLE a ADD CONSTRAINT ck CHECK (x > 0) NOT VALID', facts: facts({ inTransaction: true }) },
      { sql: 'ALTER TABLE a VALIDATE CONSTRAINT ck', facts: facts({ inTransaction: false }) },
    ]).length,
    0,
  );
  assert.equal(
    findingsOf(RULE, ['CREATE TABLE a (x int)', 'ALTER TABLE a ADD CONSTRAINT ck CHECK (x > 0) NOT VALID', 'ALTER TABLE a VALIDATE CONSTRAINT ck']).length,
    0,
  );
});
