import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintMigrations } from '../../../src/lint/engine.ts';
import { loadSqlParser } from '../../../src/lint/parse.ts';

// sql-parser-cst is loaded when lint needs it (src/lint/parse.ts).
await loadSqlParser();

test('a revision with neither trace nor offline SQL is a notice naming the offline error', () => {
  const { findings } = lintMigrations({
    projectDir: '/nonexistent-project',
    dialect: 'postgresql',
    serverVersionNum: 170000,
    revisions: [{ revision: 'abc', file: 'v/abc.py', executed: null, offline: null, offlineError: 'op.get_bind() in offline mode', downgrade: 'ok', downgradeLine: null }],
    config: { rules: {} },
  });
  const [f] = findings.filter((x) => x.code === 'revision-not-linted');
  assert.equal(f?.severity, 'notice');
  assert.match(f!.message, /op\.get_bind\(\) in offline mode/);
});

test('valid: offline SQL alone is enough', () => {
  const { findings } = lintMigrations({
    projectDir: '/nonexistent-project',
    dialect: 'postgresql',
    serverVersionNum: 170000,
    revisions: [{ revision: 'abc', file: 'v/abc.py', executed: null, offline: [{ sql: 'SELECT 1', file: null, line: null, call: null, durationMs: 0 }], downgrade: 'ok', downgradeLine: null }],
    config: { rules: {} },
  });
  assert.equal(findings.filter((x) => x.code === 'revision-not-linted').length, 0);
});
