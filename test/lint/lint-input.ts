// Builds lint inputs for the rule tests: SQL statements (or ExecutedStatement objects with facts written as data)
// become one revision, as the driver would report it, and lintMigrations runs on it.
import type { ExecutedStatement, StatementFacts } from '../../src/driver/protocol.ts';
import { lintMigrations } from '../../src/lint/engine.ts';
import type { Dialect, LintConfig, LintRevisionInput } from '../../src/lint/types.ts';
import type { Finding } from '../../src/report/model.ts';
import { loadSqlParser } from '../../src/lint/parse.ts';

// sql-parser-cst is loaded when lint needs it (src/lint/parse.ts).
await loadSqlParser();

export type StatementSpec = string | (Partial<ExecutedStatement> & { sql: string });

export interface LintSqlOptions {
  dialect?: Dialect;
  serverVersionNum?: number;
  config?: Partial<LintConfig>;
  /** Use the statements as the offline SQL instead of the online trace. */
  offline?: boolean;
  downgrade?: LintRevisionInput['downgrade'];
  downgradeLine?: number | null;
  projectDir?: string;
  file?: string;
}

export const MIGRATION_FILE = 'migrations/versions/0001_test.py';

/** Statement i is issued from line 10 + i of the migration file unless the spec says otherwise. */
export function toStatements(specs: StatementSpec[], file = MIGRATION_FILE): ExecutedStatement[] {
  return specs.map((spec, i) => {
    const base: ExecutedStatement = { sql: '', file, line: 10 + i, call: 'op.execute', durationMs: 1 };
    return typeof spec === 'string' ? { ...base, sql: spec } : { ...base, ...spec };
  });
}

export function revision(specs: StatementSpec[], opts: LintSqlOptions = {}, id = 'rev0001'): LintRevisionInput {
  const statements = toStatements(specs, opts.file ?? MIGRATION_FILE);
  return {
    revision: id,
    file: opts.file ?? MIGRATION_FILE,
    executed: opts.offline ? null : statements,
    offline: opts.offline ? statements : null,
    downgrade: opts.downgrade ?? 'ok',
    downgradeLine: opts.downgradeLine ?? null,
  };
}

export function lintSql(specs: StatementSpec[], opts: LintSqlOptions = {}): Finding[] {
  return lintMigrations({
    projectDir: opts.projectDir ?? '/nonexistent-project',
    dialect: opts.dialect ?? 'postgresql',
    serverVersionNum: opts.serverVersionNum ?? 170000,
    revisions: [revision(specs, opts)],
    config: { rules: {}, ...opts.config },
  }).findings;
}

/** Findings of one rule only. */
export function findingsOf(rule: string, specs: StatementSpec[], opts: LintSqlOptions = {}): Finding[] {
  return lintSql(specs, opts).filter((f) => f.code === rule);
}

export function facts(partial: Partial<StatementFacts> = {}): StatementFacts {
  return { locks: [], rewritten: [], lockTimeout: '0', statementTimeout: '0', inTransaction: true, ...partial };
}

/** `SET LOCAL lock_timeout` first, so lock-timeout findings stay out of tests about other rules. */
export const WITH_TIMEOUT = "SET LOCAL lock_timeout = '3s'";
