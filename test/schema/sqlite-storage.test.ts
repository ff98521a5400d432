import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeSqliteDefault, sameSqliteType, sqliteAffinity } from '../../src/schema/sqlite-storage.ts';

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

test('same column for a batch copy: the same text, an unreflectable type come back NUMERIC, TIMESTAMP/DATETIME; not a real change', () => {
  assert.ok(sameSqliteType('UUID', 'NUMERIC'));
  assert.ok(sameSqliteType('varchar( 20 )', 'VARCHAR(20)'));
  assert.ok(sameSqliteType('TIMESTAMP', 'DATETIME'));
  assert.ok(!sameSqliteType('DATETIME', 'DATE'), 'DateTime → Date is a change, though both are NUMERIC affinity');
  assert.ok(!sameSqliteType('VARCHAR(50)', 'VARCHAR(255)'));
  assert.ok(!sameSqliteType('BIGINT', 'INTEGER'), 'a BIGINT primary key is no rowid alias');
  assert.ok(!sameSqliteType('TEXT', 'INTEGER'));
});
