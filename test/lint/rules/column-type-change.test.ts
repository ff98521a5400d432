import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintMigrations } from '../../../src/lint/engine.ts';
import { facts, findingsOf, revision, type StatementSpec } from '../lint-input.ts';

const RULE = 'column-type-change';

/** The column is created in an earlier revision, so its old type is known; the change is linted in the second. */
function change(created: string, changed: StatementSpec) {
  return lintMigrations({
    projectDir: '/nonexistent-project',
    dialect: 'postgresql',
    serverVersionNum: 170000,
    revisions: [revision([created], {}, 'a1'), revision([changed], {}, 'b2')],
    config: { rules: {} },
  }).findings.filter((f) => f.code === RULE);
}

test('a change that rewrites is a warning, naming old and new type', () => {
  const [f] = change('CREATE TABLE users (age INTEGER)', 'ALTER TABLE users ALTER COLUMN age TYPE BIGINT');
  assert.equal(f?.severity, 'warning');
  assert.equal(f?.revision, 'b2');
  assert.match(f!.message, /users\.age from integer to bigint rewrites users/);
});

test('a binary-coercible change is a notice that says it is safe', () => {
  const [f] = change('CREATE TABLE users (name VARCHAR(50))', 'ALTER TABLE users ALTER COLUMN name TYPE VARCHAR(100)');
  assert.equal(f?.severity, 'notice');
  assert.match(f!.message, /does not rewrite users.*safe/);
  assert.equal(change('CREATE TABLE users (name VARCHAR(50))', 'ALTER TABLE users ALTER COLUMN name TYPE TEXT')[0]?.severity, 'notice');
  assert.equal(change('CREATE TABLE users (name VARCHAR(50))', 'ALTER TABLE users ALTER COLUMN name TYPE VARCHAR(20)')[0]?.severity, 'warning');
});

test('unknown old type: may rewrite', () => {
  const [f] = findingsOf(RULE, ['ALTER TABLE users ALTER COLUMN age TYPE BIGINT']);
  assert.equal(f?.severity, 'warning');
  assert.match(f!.message, /may rewrite users/);
});

test('facts decide: observed rewrite is a warning with evidence, no rewrite is a notice saying safe', () => {
  const locks = [{ relation: 'public.users', mode: 'AccessExclusiveLock' }];
  const [rewrote] = findingsOf(RULE, [{ sql: 'ALTER TABLE users ALTER COLUMN age TYPE BIGINT', facts: facts({ locks, rewritten: ['public.users'] }) }]);
  assert.equal(rewrote?.severity, 'warning');
  assert.match(rewrote!.message, /rewrote users \(observed/);
  const [safe] = findingsOf(RULE, [{ sql: 'ALTER TABLE users ALTER COLUMN name TYPE TEXT', facts: facts({ locks }) }]);
  assert.equal(safe?.severity, 'notice');
  assert.match(safe!.message, /did not rewrite users \(observed\): safe/);
});

test('valid: a new table', () => {
  assert.equal(findingsOf(RULE, ['CREATE TABLE t (a int)', 'ALTER TABLE t ALTER COLUMN a TYPE bigint']).length, 0);
});
