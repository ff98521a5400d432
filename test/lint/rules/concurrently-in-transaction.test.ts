import assert from 'node:assert/strict';
import { test } from 'node:test';
import { facts, findingsOf } from '../lint-input.ts';

const RULE = 'concurrently-in-transaction';

test('CONCURRENTLY inside the migration transaction is an error (offline SQL, Alembic default)', () => {
  const [f] = findingsOf(RULE, ['CREATE INDEX CONCURRENTLY ix_a ON users (a)'], { offline: true });
  assert.equal(f?.severity, 'error');
  assert.equal(f?.evidence?.source, 'offline');
  assert.match(f!.message, /cannot run inside a transaction block/);
  assert.equal(findingsOf(RULE, ['BEGIN', 'DROP INDEX CONCURRENTLY ix_a', 'COMMIT'], { offline: true }).length, 1);
});

test('observed inside a transaction', () => {
  const [f] = findingsOf(RULE, [{ sql: 'REINDEX INDEX CONCURRENTLY ix_a', facts: facts({ inTransaction: true }) }]);
  assert.match(f!.message, /observed/);
});

test('valid: after COMMIT (autocommit_block in offline SQL), or observed outside a transaction', () => {
  assert.equal(findingsOf(RULE, ['COMMIT', 'CREATE INDEX CONCURRENTLY ix_a ON users (a)', 'BEGIN'], { offline: true }).length, 0);
  assert.equal(findingsOf(RULE, [{ sql: 'CREATE INDEX CONCURRENTLY ix_a ON users (a)', facts: facts({ inTransaction: false }) }]).length, 0);
  assert.equal(findingsOf(RULE, ['CREATE INDEX ix_a ON users (a)']).length, 0);
});

test('offline statement lists lack the COMMIT/BEGIN autocommit_block() renders: the offline SQL text restores them', async () => {
  const { lintMigrations } = await import('../../../src/lint/engine.ts');
  const { revision } = await import('../lint-input.ts');
  const rev = revision(['CREATE INDEX CONCURRENTLY ix_a ON users (a)', "UPDATE alembic_version SET version_num='b'"], { offline: true });
  const text = "-- Running upgrade a -> b\n\nCOMMIT;\n\nCREATE INDEX CONCURRENTLY ix_a ON users (a);\n\nBEGIN;\n\nUPDATE alembic_version SET version_num='b';\n";
  const run = (offlineSql?: string) =>
    lintMigrations({ projectDir: '/nonexistent-project', dialect: 'postgresql', serverVersionNum: 170000, revisions: [{ ...rev, offlineSql }], config: { rules: {} } })
      .findings.filter((f) => f.code === RULE);
  assert.equal(run().length, 1, 'without the text, the statement looks like it is inside the transaction');
  assert.equal(run(text).length, 0);
});

test('a trace without facts: a CONCURRENTLY statement that ran was outside a transaction (autocommit_block)', () => {
  assert.equal(findingsOf(RULE, ['CREATE INDEX CONCURRENTLY ix_a ON users (a)']).length, 0);
  // ... and what follows it is in a new transaction, so access-exclusive-held does not chain across the block.
  assert.equal(
    findingsOf('access-exclusive-held', ["SET LOCAL lock_timeout = '1s'", 'ALTER TABLE users ADD COLUMN a int', 'CREATE INDEX CONCURRENTLY ix_a ON users (a)', 'UPDATE users SET a = 1 WHERE id = 1']).length,
    0,
  );
});
