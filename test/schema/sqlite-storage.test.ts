import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeSqliteDefault, sqliteAffinity } from '../../src/schema/sqlite-storage.ts';

test('affinity follows SQLite\'s five rules in order', () => {
  assert.equal(sqliteAffinity('BIGINT'), 'INTEGER');
  assert.equal(sqliteAffinity('POINT'), 'INTEGER', 'rule 1 wins: "INT" inside POINT');
  assert.equal(sqliteAffinity('VARCHAR(20)'), 'TEXT');
  assert.equal(sqliteAffinity('CHAR(32)'), 'TEXT');
  assert.equal(sqliteAffinity(''), 'BLOB');
  assert.equal(sqliteAffinity('DOUBLE PRECISION'), 'REAL');
  assert.equal(sqliteAffinity('UUID'), 'NUMERIC');
  assert.equal(sqliteAffinity('NUMERIC'), 'NUMERIC');
  assert.equal(sqliteAffinity('DATETIME'), 'NUMERIC');
  assert.notEqual(sqliteAffinity('TEXT'), sqliteAffinity('INTEGER'));
});

test('defaults compare without wrapping parens, spacing or keyword case, but keep quoted text', () => {
  assert.equal(normalizeSqliteDefault('((1 + 1))'), normalizeSqliteDefault('(1 + 1)'));
  assert.equal(normalizeSqliteDefault('(CURRENT_TIMESTAMP)'), normalizeSqliteDefault('current_timestamp'));
  assert.notEqual(normalizeSqliteDefault("'A'"), normalizeSqliteDefault("'a'"));
  assert.notEqual(normalizeSqliteDefault('(1) + (2)'), '1) + (2');
  assert.equal(normalizeSqliteDefault('(1) + (2)'), '(1) + (2)');
  assert.equal(normalizeSqliteDefault(null), null);
});
