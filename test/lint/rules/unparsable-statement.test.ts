import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf, lintSql } from '../lint-input.ts';

const RULE = 'unparsable-statement';

test('a statement sql-parser-cst cannot parse is a notice, and the token classifier still feeds the rules', () => {
  const all = lintSql(['LOCK TABLE users IN ACCESS EXCLUSIVE MODE', 'VACUUM FULL users']);
  const notices = all.filter((f) => f.code === RULE);
  assert.equal(notices.length, 2);
  assert.ok(notices.every((f) => f.severity === 'notice'));
  assert.match(notices[1]!.message, /token classifier read it as VACUUM FULL and the rules ran on that/);
  assert.ok(all.some((f) => f.code === 'table-rewrite'), 'VACUUM FULL still reaches table-rewrite');
  assert.ok(all.some((f) => f.code === 'missing-lock-timeout'), 'LOCK TABLE still reaches missing-lock-timeout');
});

test('garbage is reported, never thrown', () => {
  const [f] = findingsOf(RULE, ['FROBNICATE THE TABLES ((']);
  assert.match(f!.message, /no rule looked inside it/);
});

test('valid: statements sql-parser-cst reads; each distinct statement is reported once per revision', () => {
  assert.equal(findingsOf(RULE, ["DO $$ BEGIN RAISE NOTICE 'x'; END $$", "SET LOCAL lock_timeout = '3s'"]).length, 0);
  assert.equal(findingsOf(RULE, ['VACUUM users', 'VACUUM users']).length, 1);
});
