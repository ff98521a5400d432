// The engine contract: finding shape, source choice (trace over offline), severities from config, start-after,
// multi-statement op.execute, never throwing on bad input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintMigrations } from '../../src/lint/engine.ts';
import type { LintInput } from '../../src/lint/types.ts';
import { facts, MIGRATION_FILE, revision, toStatements } from './lint-input.ts';

function input(partial: Partial<LintInput>): LintInput {
  return { projectDir: '/nonexistent-project', dialect: 'postgresql', serverVersionNum: 170000, revisions: [], config: { rules: {} }, ...partial };
}

test('a finding carries rule id, severity, message, hint, revision, file, line, SQL and observed evidence', () => {
  const { findings, statementsLinted, parseFailures } = lintMigrations(input({
    revisions: [revision([
      { sql: 'CREATE INDEX ix_users_email ON users (email)', line: 27, call: 'op.create_index', facts: facts({ locks: [{ relation: 'public.users', mode: 'ShareLock' }], lockTimeout: '3s' }) },
      "UPDATE alembic_version SET version_num='b' WHERE alembic_version.version_num = 'a'",
    ])],
  }));
  assert.equal(statementsLinted, 1, 'alembic_version bookkeeping is not linted');
  assert.equal(parseFailures, 0);
  assert.deepEqual(findings, [{
    code: 'create-index-not-concurrently',
    severity: 'warning',
    message: 'CREATE INDEX ix_users_email on existing table users without CONCURRENTLY: its SHARE lock blocks all writes to users until the index is built (observed: SHARE on users).',
    revision: 'rev0001',
    file: MIGRATION_FILE,
    line: 27,
    hint: findings[0]!.hint,
    sql: 'CREATE INDEX ix_users_email ON users (email)',
    evidence: { source: 'executed', locks: ['public.users: SHARE'], rewritten: [], lockTimeout: '3s', statementTimeout: '0', inTransaction: true },
  }]);
});

test('the trace is preferred; offline SQL is used when there is no trace, and says so', () => {
  const rev = revision(['ALTER TABLE users DROP COLUMN a']);
  const offlineOnly = { ...rev, executed: null, offline: toStatements(['ALTER TABLE users DROP COLUMN b']) };
  const both = { ...rev, offline: toStatements(['ALTER TABLE users DROP COLUMN b']) };
  const fromOffline = lintMigrations(input({ revisions: [offlineOnly] })).findings.find((f) => f.code === 'drop-column');
  assert.equal(fromOffline?.evidence?.source, 'offline');
  assert.match(fromOffline!.message, /users\.b/);
  const fromTrace = lintMigrations(input({ revisions: [both] })).findings.find((f) => f.code === 'drop-column');
  assert.equal(fromTrace?.evidence?.source, 'executed');
  assert.match(fromTrace!.message, /users\.a/);
  const offlineFailed = { ...rev, offline: null, offlineError: 'get_bind() has no connection in offline mode' };
  const f = lintMigrations(input({ revisions: [offlineFailed] })).findings.find((x) => x.code === 'drop-column');
  assert.equal(f?.evidence?.offlineError, 'get_bind() has no connection in offline mode');
});

test('severities come from the rule or the config; off turns a rule off', () => {
  const revs = [revision(['ALTER TABLE users DROP COLUMN a', "CREATE TABLE t (j JSON)"])];
  const codes = (rules: LintInput['config']['rules']) =>
    lintMigrations(input({ revisions: revs, config: { rules } })).findings.map((f) => `${f.code}:${f.severity}`).sort();
  assert.deepEqual(codes({}), ['drop-column:warning', 'json-column:notice', 'missing-lock-timeout:warning']);
  assert.deepEqual(codes({ 'drop-column': 'error', 'json-column': 'off', 'missing-lock-timeout': 'off' }), ['drop-column:error']);
});

test('start-after lints only later revisions, but earlier ones still teach column types', () => {
  const revs = [
    revision(['CREATE TABLE users (name VARCHAR(50))', 'ALTER TABLE other DROP COLUMN x'], {}, 'r1'),
    revision(['ALTER TABLE users ALTER COLUMN name TYPE TEXT'], {}, 'r2'),
  ];
  const { findings } = lintMigrations(input({ revisions: revs, config: { rules: {}, startAfter: 'r1' } }));
  assert.ok(findings.every((f) => f.revision === 'r2'));
  const change = findings.find((f) => f.code === 'column-type-change');
  assert.equal(change?.severity, 'notice', 'varchar(50) → text known to be safe from r1');
  assert.equal(lintMigrations(input({ revisions: revs, config: { rules: {}, startAfter: 'r' } })).findings.some((f) => f.revision === 'r1'), true,
    'an ambiguous prefix lints everything');
});

test('an op.execute holding several statements is linted statement by statement at the same line', () => {
  const { findings, statementsLinted } = lintMigrations(input({
    revisions: [revision([{ sql: "SET LOCAL lock_timeout = '2s'; ALTER TABLE a DROP COLUMN x; ALTER TABLE b DROP COLUMN y;", line: 33 }])],
  }));
  assert.equal(statementsLinted, 3);
  assert.deepEqual(findings.filter((f) => f.code === 'drop-column').map((f) => [f.code, f.line, f.sql]), [
    ['drop-column', 33, 'ALTER TABLE a DROP COLUMN x'],
    ['drop-column', 33, 'ALTER TABLE b DROP COLUMN y'],
  ]);
});

test('a statement without file:line falls back to the revision file', () => {
  const { findings } = lintMigrations(input({ revisions: [revision([{ sql: 'DROP TABLE old', file: null, line: null }])] }));
  const f = findings.find((x) => x.code === 'drop-table');
  assert.equal(f?.file, MIGRATION_FILE);
  assert.equal(f?.line, undefined);
});

test('never throws: garbage, empty text, unterminated quotes', () => {
  const { findings, parseFailures } = lintMigrations(input({
    revisions: [revision(['', ';;;', "SELECT 'unterminated", 'ALTER TABLE', '$$', 'CREATE INDEX ON', '\u0000\u0001'])],
  }));
  assert.ok(parseFailures >= 4);
  assert.ok(findings.every((f) => f.severity === 'notice' || f.code === 'missing-lock-timeout'));
});
