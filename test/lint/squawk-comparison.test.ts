// squawk (squawk-cli 2.70.0, from the project venv) against our lint, on the fixtures' offline SQL (one file per
// revision, as Alembic renders it). Asserts that every hazard squawk reports under a rule we map
// (docs/rules/README.md, the `squawk` lists of the rules) is reported by us on the same statement, and lists every
// difference: squawk rules we deliberately leave unmapped, squawk findings we deliberately do not share, and what
// we report that squawk does not.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { provisionPostgresLocal } from '../../src/database/postgres-local.ts';
import type { ThrowawayDatabase } from '../../src/database/provider.ts';
import { lintMigrations } from '../../src/lint/engine.ts';
import { ALL_RULES } from '../../src/lint/rules/index.ts';
import { codeTokens, splitStatements, tokenize } from '../../src/lint/sql-tokens.ts';
import type { Finding } from '../../src/report/model.ts';
import { fixture, repoRoot } from '../support/env.ts';
import { runFixture, type RealRun } from './real-run.ts';
import { loadSqlParser } from '../../src/lint/parse.ts';

// sql-parser-cst is loaded when lint needs it (src/lint/parse.ts).
await loadSqlParser();

const SQUAWK = join(repoRoot, '.venv', 'bin', 'squawk');

/** squawk rule → our rules that report the same hazard (from the registry), plus documented partial overlaps. */
const COVERED_BY = new Map<string, Set<string>>();
for (const rule of ALL_RULES) for (const s of rule.squawk ?? []) (COVERED_BY.get(s) ?? COVERED_BY.set(s, new Set()).get(s)!).add(rule.id);
// squawk also files UNIQUE constraints under constraint-missing-not-valid; for us that is unique-without-using-index.
COVERED_BY.get('constraint-missing-not-valid')!.add('unique-without-using-index');

/** squawk rules with no counterpart, and why (docs/rules/README.md, "Squawk rules we do not map"). */
const NOT_MAPPED: Record<string, string> = {
  'require-statement-timeout': 'lock_timeout protects the application; a statement_timeout would kill a legitimately long concurrent build',
  'prefer-robust-stmts': 'Alembic migrations run in a transaction; IF NOT EXISTS guards are not the Alembic way',
  'prefer-text-field': 'widening varchar is catalog-only since PostgreSQL 9.2; sa.String(n) is deliberate',
  'transaction-nesting': "the COMMIT/BEGIN pair is Alembic's own autocommit_block(), not nesting",
  'ban-uncommitted-transaction': "the trailing BEGIN is Alembic's autocommit_block(); Alembic commits it",
};

/** Revision-level rules: squawk flags one statement, we flag the revision (once, at the first offending statement). */
const PER_REVISION = new Set(['missing-lock-timeout']);

/** squawk findings under a mapped rule that we deliberately do not share: why, or null when we should have. */
function deliberateDifference(rule: string, statement: string, revisionSql: string): string | null {
  const table = /\b(?:ON|ALTER TABLE|INTO|UPDATE)\s+(?:ONLY\s+)?"?(\w+)"?/i.exec(statement)?.[1];
  const createdHere = table !== undefined && new RegExp(`CREATE TABLE "?${table}"?\\s*\\(`, 'i').test(revisionSql.slice(0, revisionSql.indexOf(statement)));
  if (rule === 'require-lock-timeout' || rule === 'require-timeout-settings') {
    if (/\bCONCURRENTLY\b/i.test(statement)) {
      return 'CONCURRENTLY takes SHARE UPDATE EXCLUSIVE, which blocks no reads or writes; a lock_timeout would abort the build halfway and leave an INVALID index';
    }
    if (createdHere) return `${table} is created earlier in the same migration: nothing else can be waiting on it`;
  }
  if (rule === 'prefer-bigint-over-int' || rule === 'prefer-bigint-over-smallint') {
    return 'int-primary-key reports 32-bit primary keys only, not every integer column';
  }
  return null;
}

interface SquawkViolation {
  file: string;
  line: number;
  column: number;
  rule_name: string;
  message: string;
}

/** A statement as its code tokens: whitespace, comments and the final semicolon do not matter. */
const norm = (sql: string) => codeTokens(tokenize(sql)).map((t) => t.text).join(' ');

/** The statement of `sql` that contains 0-based line:column. */
function statementAt(sql: string, line: number, column: number): string {
  const lines = sql.split('\n');
  let offset = column;
  for (let i = 0; i < line; i++) offset += lines[i]!.length + 1;
  for (const piece of splitStatements(sql)) {
    const start = piece.tokens[0]!.start;
    const end = piece.tokens[piece.tokens.length - 1]!.end;
    if (offset >= start && offset <= end) return norm(piece.sql);
  }
  return '';
}

let db: ThrowawayDatabase;
const workDir = mkdtempSync(join(tmpdir(), 'squawk-comparison-'));

before(async () => {
  db = await provisionPostgresLocal({});
});
after(async () => {
  await db?.dispose();
  rmSync(workDir, { recursive: true, force: true });
});

function runSquawk(run: RealRun, name: string): SquawkViolation[] {
  const files = run.offlineSql.map((r) => {
    const path = join(workDir, `${name}-${r.revision}.sql`);
    writeFileSync(path, r.sql);
    return path;
  });
  const major = String(Math.floor(db.serverVersionNum / 10000));
  // --assume-in-transaction: Alembic runs each migration in a transaction on PostgreSQL.
  const out = spawnSync(SQUAWK, ['--reporter', 'json', '--pg-version', major, '--assume-in-transaction', ...files], { encoding: 'utf8' });
  assert.ok(out.stdout.trim().startsWith('['), `squawk output: ${out.stdout}\n${out.stderr}`);
  return JSON.parse(out.stdout) as SquawkViolation[];
}

function compare(t: TestContext, name: string, run: RealRun): void {
  const violations = runSquawk(run, name);
  // What squawk sees: the offline SQL. Lint exactly that.
  const ours = lintMigrations({ ...run.input, revisions: run.input.revisions.map((r) => ({ ...r, executed: null })) }).findings;
  const sqlOf = new Map(run.offlineSql.map((r) => [join(workDir, `${name}-${r.revision}.sql`), r]));
  const missed: string[] = [];
  const differences: string[] = [];
  const matched = new Set<Finding>();
  for (const v of violations) {
    const rev = sqlOf.get(v.file)!;
    const statement = statementAt(rev.sql, v.line, v.column);
    const where = `${rev.revision} "${statement.slice(0, 70)}"`;
    if (v.rule_name in NOT_MAPPED) {
      differences.push(`squawk ${v.rule_name} at ${where}: not mapped (${NOT_MAPPED[v.rule_name]})`);
      continue;
    }
    const rules = COVERED_BY.get(v.rule_name);
    if (!rules) {
      missed.push(`squawk ${v.rule_name} at ${where}: no mapping written down`);
      continue;
    }
    const hits = ours.filter((f) => f.revision === rev.revision && rules.has(f.code) && (PER_REVISION.has(f.code) || norm(f.sql ?? '') === statement));
    if (hits.length > 0) {
      for (const h of hits) matched.add(h);
      continue;
    }
    const why = deliberateDifference(v.rule_name, statement, rev.sql);
    if (why) differences.push(`squawk ${v.rule_name} at ${where}: we do not report it (${why})`);
    else missed.push(`squawk ${v.rule_name} at ${where} (${v.message}): expected one of ${[...rules].join(', ')}`);
  }
  for (const f of ours) {
    if (matched.has(f)) continue;
    const squawkNames = ALL_RULES.find((r) => r.id === f.code)?.squawk;
    differences.push(`we report ${f.severity} ${f.code} at ${f.file}:${f.line ?? ''}; squawk ${squawkNames?.length ? `does not here` : 'has no such rule'}`);
  }
  t.diagnostic(`${name}: squawk ${violations.length} finding(s), ours ${ours.length}; differences:`);
  for (const d of differences) t.diagnostic(`  ${d}`);
  assert.deepEqual(missed, [], `hazards squawk reports that we miss on ${name}`);
}

test('squawk-cli is installed in the project venv', { skip: existsSync(SQUAWK) ? false : `${SQUAWK} missing: run scripts/setup-python.sh` }, () => {
  const out = spawnSync(SQUAWK, ['--version'], { encoding: 'utf8' });
  assert.match(out.stdout, /squawk 2\.70\.0/);
});

for (const name of ['lint-hazards', 'healthy']) {
  test(`we report every hazard squawk reports on ${name}'s offline SQL`, { skip: existsSync(SQUAWK) ? false : 'squawk missing' }, async (t) => {
    const run = await runFixture(fixture(name), db, 'psycopg2');
    compare(t, name, run);
  });
}
