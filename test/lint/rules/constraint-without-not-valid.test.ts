import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf } from '../lint-input.ts';

const RULE = 'constraint-without-not-valid';

test('FOREIGN KEY and CHECK added to an existing table without NOT VALID', () => {
  const [fk] = findingsOf(RULE, ['ALTER TABLE orders ADD CONSTRAINT fk_orders_user_id FOREIGN KEY(user_id) REFERENCES users (id)']);
  assert.match(fk!.message, /FOREIGN KEY fk_orders_user_id added to existing table orders without NOT VALID/);
  assert.match(fk!.message, /SHARE ROW EXCLUSIVE blocks writes to both tables/);
  const [ck] = findingsOf(RULE, ['ALTER TABLE orders ADD CONSTRAINT ck_total CHECK (total >= 0)']);
  assert.match(ck!.message, /CHECK ck_total/);
  assert.match(ck!.hint!, /postgresql_not_valid=True/);
});

test('valid: NOT VALID, a new table, other constraint kinds', () => {
  assert.equal(findingsOf(RULE, ['ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY(user_id) REFERENCES users (id) NOT VALID']).length, 0);
  assert.equal(findingsOf(RULE, ['ALTER TABLE orders ADD CONSTRAINT ck CHECK (total >= 0) NOT VALID']).length, 0);
  assert.equal(findingsOf(RULE, ['CREATE TABLE t (a int)', 'ALTER TABLE t ADD CONSTRAINT ck CHECK (a > 0)']).length, 0);
  assert.equal(findingsOf(RULE, ['ALTER TABLE orders ADD CONSTRAINT uq UNIQUE (a)']).length, 0);
});
