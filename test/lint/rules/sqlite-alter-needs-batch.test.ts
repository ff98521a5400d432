import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf } from '../lint-input.ts';

const RULE = 'sqlite-alter-needs-batch';
const sqlite = (serverVersionNum = 3045001) => ({ dialect: 'sqlite' as const, serverVersionNum });

test('ALTER COLUMN, constraints, PRIMARY KEY/UNIQUE/non-constant columns: SQLite cannot', () => {
  const [f] = findingsOf(RULE, ['ALTER TABLE users ALTER COLUMN email SET NOT NULL'], sqlite());
  assert.equal(f?.severity, 'error');
  assert.match(f!.message, /SQLite has no ALTER COLUMN/);
  assert.match(f!.hint!, /batch_alter_table/);
  assert.equal(findingsOf(RULE, ['ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (org_id) REFERENCES orgs (id)'], sqlite()).length, 1);
  assert.equal(findingsOf(RULE, ['ALTER TABLE users ALTER COLUMN age TYPE BIGINT'], sqlite()).length, 1);
  assert.equal(findingsOf(RULE, ['ALTER TABLE users ADD COLUMN code TEXT UNIQUE'], sqlite()).length, 1);
  assert.equal(findingsOf(RULE, ['ALTER TABLE users ADD COLUMN at TIMESTAMP DEFAULT CURRENT_TIMESTAMP'], sqlite()).length, 1);
});

test('version-gated: DROP COLUMN needs 3.35, RENAME COLUMN 3.25', () => {
  assert.equal(findingsOf(RULE, ['ALTER TABLE users DROP COLUMN x'], sqlite(3034000)).length, 1);
  assert.equal(findingsOf(RULE, ['ALTER TABLE users DROP COLUMN x'], sqlite(3035000)).length, 0);
  assert.equal(findingsOf(RULE, ['ALTER TABLE users RENAME COLUMN a TO b'], sqlite(3024000)).length, 1);
});

test('valid: what SQLite supports, and PostgreSQL', () => {
  assert.equal(findingsOf(RULE, ['ALTER TABLE users ADD COLUMN nickname VARCHAR(50)', 'ALTER TABLE users RENAME TO people'], sqlite()).length, 0);
  assert.equal(findingsOf(RULE, ["ALTER TABLE users ADD COLUMN plan TEXT DEFAULT 'free' NOT NULL"], sqlite()).length, 0);
  assert.equal(findingsOf(RULE, ['ALTER TABLE users ALTER COLUMN email SET NOT NULL']).length, 0);
});
