// Lint end to end on real PostgreSQL: the real driver runs fixtures/lint-hazards step by step with statement
// traces and facts (pg_locks, relfilenode) and renders its offline SQL; every hazard fixtures/lint-hazards/EXPECTED.md
// lists must be reported on exactly its file:line, the negative cases must stay silent, and fixtures/healthy must
// produce no finding at warning or error, on PostgreSQL and on SQLite.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { provisionPostgresLocal } from '../../src/database/postgres-local.ts';
import type { ThrowawayDatabase } from '../../src/database/provider.ts';
import { provisionSqlite } from '../../src/database/sqlite.ts';
import { lintMigrations } from '../../src/lint/engine.ts';
import type { Finding } from '../../src/report/model.ts';
import { fixture } from '../support/env.ts';
import { runFixture, type RealRun } from './real-run.ts';
import { HAZARDS, HAZARD_ROWS, RULE_FOR_KEY, SILENT_ROWS } from '../support/lint-hazards-expected.ts';
import { loadSqlParser } from '../../src/lint/parse.ts';

// sql-parser-cst is loaded when lint needs it (src/lint/parse.ts).
await loadSqlParser();

/** EXPECTED.md, "Missing lock_timeout": by revision number (#). */
const LOCK_TIMEOUT_FIRES = [3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 18];
const LOCK_TIMEOUT_SILENT = [1, 2, 17, 19];

function revisionOf(n: number): string {
  const row = HAZARD_ROWS.find((r) => r.n === n) ?? SILENT_ROWS.find((r) => r.n === n);
  assert.ok(row, `revision #${n} in EXPECTED.md`);
  return row.revision;
}

function show(findings: Finding[]): string {
  return findings.map((f) => `${f.severity} ${f.code} ${f.file}:${f.line ?? ''}`).join('\n');
}

let pgDb: ThrowawayDatabase;
let hazards: RealRun;

before(async () => {
  pgDb = await provisionPostgresLocal({});
  hazards = await runFixture(HAZARDS, pgDb, 'psycopg2');
});

after(async () => {
  await pgDb?.dispose();
});

describe('fixtures/lint-hazards on real PostgreSQL', () => {
  test('EXPECTED.md is fully mapped to rule ids', () => {
    assert.ok(HAZARD_ROWS.length >= 18, `${HAZARD_ROWS.length} hazards parsed`);
    for (const row of HAZARD_ROWS) assert.ok(RULE_FOR_KEY[row.key], `hazard key ${row.key} has a rule`);
  });

  test('every hazard is reported on its file:line, from the executed trace with observed facts', () => {
    const { findings, parseFailures } = lintMigrations(hazards.input);
    assert.equal(parseFailures, 0);
    for (const row of HAZARD_ROWS) {
      const rule = RULE_FOR_KEY[row.key]!;
      const hit = findings.find((f) => f.code === rule && f.file === row.file && f.line === row.line && f.revision === row.revision);
      assert.ok(hit, `#${row.n} ${row.key} → ${rule} at ${row.file}:${row.line}\nfound:\n${show(findings)}`);
      assert.equal(hit.evidence?.source, 'executed');
    }
  });

  test('the evidence is what PostgreSQL did: locks taken, tables rewritten, timeouts in force', () => {
    const { findings } = lintMigrations(hazards.input);
    const at = (rule: string, n: number) => {
      const row = HAZARD_ROWS.find((r) => r.n === n && RULE_FOR_KEY[r.key] === rule)!;
      return findings.find((f) => f.code === rule && f.line === row.line && f.revision === row.revision)!;
    };
    const index = at('create-index-not-concurrently', 3);
    assert.deepEqual(index.evidence?.locks, ['public.users: SHARE']);
    assert.equal(index.evidence?.lockTimeout, '0');
    assert.equal(index.evidence?.inTransaction, true);
    const volatile = at('add-column-rewrite', 9);
    assert.ok((volatile.evidence?.rewritten as string[]).includes('public.orders'), JSON.stringify(volatile.evidence));
    assert.match(volatile.message, /rewrote orders \(observed/);
    const widen = at('column-type-change', 10);
    assert.equal(widen.severity, 'warning');
    assert.ok((widen.evidence?.rewritten as string[]).includes('public.orders'));
    assert.match(widen.message, /from integer to bigint rewrote orders \(observed/);
    const fk = at('constraint-without-not-valid', 5);
    assert.ok((fk.evidence?.locks as string[]).includes('public.users: SHARE ROW EXCLUSIVE'), JSON.stringify(fk.evidence));
  });

  test('missing-lock-timeout fires exactly in the revisions EXPECTED.md lists, using the observed timeout', () => {
    const { findings } = lintMigrations(hazards.input);
    const fired = new Set(findings.filter((f) => f.code === 'missing-lock-timeout').map((f) => f.revision));
    for (const n of LOCK_TIMEOUT_FIRES) assert.ok(fired.has(revisionOf(n)), `#${n} ${revisionOf(n)}`);
    for (const n of LOCK_TIMEOUT_SILENT) assert.ok(!fired.has(revisionOf(n)), `#${n} must not fire`);
    // #4 (CONCURRENTLY: SHARE UPDATE EXCLUSIVE) and #14 (UPDATE: row locks) do not block writers: not reported.
    for (const n of [4, 14]) assert.ok(!fired.has(revisionOf(n)), `#${n}`);
  });

  test('the negative cases stay silent', () => {
    const { findings } = lintMigrations(hazards.input);
    for (const row of SILENT_ROWS) {
      const noise = findings.filter((f) => f.revision === row.revision && (f.line === undefined || row.lines.includes(f.line)));
      assert.deepEqual(noise, [], `#${row.n} ${row.file}:${row.lines.join(',')}`);
    }
  });

  test('the offline SQL alone finds every hazard too, at the same file:line', () => {
    const offlineOnly = { ...hazards.input, revisions: hazards.input.revisions.map((r) => ({ ...r, executed: null })) };
    const { findings } = lintMigrations(offlineOnly);
    for (const row of HAZARD_ROWS) {
      const rule = RULE_FOR_KEY[row.key]!;
      const hit = findings.find((f) => f.code === rule && f.file === row.file && f.line === row.line);
      assert.ok(hit, `offline: #${row.n} ${rule} at ${row.file}:${row.line}\n${show(findings)}`);
      assert.equal(hit.evidence?.source, 'offline');
    }
    // With the offline text's COMMIT/BEGIN (autocommit_block) restored, the negative cases stay silent too.
    for (const row of SILENT_ROWS) {
      const noise = findings.filter((f) => f.revision === row.revision && (f.line === undefined || row.lines.includes(f.line)));
      assert.deepEqual(noise, [], `offline: #${row.n}`);
    }
  });
});

describe('fixtures/healthy', () => {
  for (const dialect of ['postgresql', 'sqlite'] as const) {
    test(`no finding at warning or error (${dialect})`, async () => {
      const db = dialect === 'postgresql' ? pgDb : await provisionSqlite({ sqliteVersion: '3.45.1' });
      try {
        const run = await runFixture(fixture('healthy'), db, 'psycopg2');
        assert.ok(run.input.revisions.every((r) => r.executed && r.offline), 'trace and offline SQL for every revision');
        const { findings, statementsLinted } = lintMigrations(run.input);
        assert.ok(statementsLinted >= 6, `${statementsLinted} statements linted`);
        const loud = findings.filter((f) => f.severity !== 'notice');
        assert.deepEqual(loud, [], show(loud));
      } finally {
        if (db !== pgDb) await db.dispose();
      }
    });
  }
});
