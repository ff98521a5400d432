import assert from 'node:assert/strict';
import { test } from 'node:test';
import { facts, findingsOf, MIGRATION_FILE } from '../lint-input.ts';

const RULE = 'create-index-not-concurrently';

test('CREATE INDEX on an existing table without CONCURRENTLY is reported at the op line', () => {
  const [f, ...rest] = findingsOf(RULE, ['CREATE INDEX ix_users_email ON users (email)']);
  assert.equal(rest.length, 0);
  assert.equal(f?.severity, 'warning');
  assert.equal(f?.file, MIGRATION_FILE);
  assert.equal(f?.line, 10);
  assert.equal(f?.sql, 'CREATE INDEX ix_users_email ON users (email)');
  assert.match(f!.message, /ix_users_email on existing table users without CONCURRENTLY/);
  assert.match(f!.hint!, /postgresql_concurrently=True/);
  assert.match(f!.hint!, /autocommit_block/);
});

test('REINDEX without CONCURRENTLY is reported', () => {
  assert.equal(findingsOf(RULE, ['REINDEX INDEX ix_users_email']).length, 1);
  assert.equal(findingsOf(RULE, ['REINDEX INDEX CONCURRENTLY ix_users_email']).length, 0);
});

test('observed locks become evidence', () => {
  const [f] = findingsOf(RULE, [
    { sql: 'CREATE UNIQUE INDEX ix_a ON public.users (a)', facts: facts({ locks: [{ relation: 'public.users', mode: 'ShareLock' }] }) },
  ]);
  assert.deepEqual(f?.evidence?.locks, ['public.users: SHARE']);
  assert.equal(f?.evidence?.source, 'executed');
  assert.match(f!.message, /observed: SHARE on users/);
});

test('valid: CONCURRENTLY, a table created earlier in the revision, SQLite', () => {
  assert.equal(findingsOf(RULE, ['CREATE INDEX CONCURRENTLY ix_a ON users (a)']).length, 0);
  assert.equal(findingsOf(RULE, ['CREATE TABLE t (a int)', 'CREATE INDEX ix_t_a ON t (a)']).length, 0);
  assert.equal(findingsOf(RULE, ['CREATE INDEX ix_a ON users (a)'], { dialect: 'sqlite', serverVersionNum: 3045000 }).length, 0);
});
