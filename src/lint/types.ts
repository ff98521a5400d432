// The lint contract: what the pipeline hands the linter, the statement model rules read, and the shape of a rule.
// Rules never see sql-parser-cst nodes: parse.ts turns every statement into the plain `ParsedStatement` below.

import type { ExecutedStatement, RevisionRecord, StatementFacts } from '../driver/protocol.ts';
import type { Severity } from '../report/model.ts';

export type Dialect = 'postgresql' | 'sqlite';

export interface LintConfig {
  /** Severity per rule id, or 'off'. Rules not named keep their default severity. */
  rules: Record<string, Severity | 'off'>;
  /** Revision id (or unique prefix): lint only the revisions after it (old, deployed migrations are not re-litigated). */
  startAfter?: string;
  /** PostgreSQL server_version_num to lint for (e.g. 110000), instead of the throwaway server's own version. */
  targetServerVersion?: number;
}

export interface LintRevisionInput {
  revision: string;
  /** Migration file, relative to the project directory. */
  file: string;
  /** Online upgrade trace (file:line, call and, on PostgreSQL, facts), or null when there is none. */
  executed: ExecutedStatement[] | null;
  /** Offline (--sql) statements of this revision, or null when offline mode failed. */
  offline: ExecutedStatement[] | null;
  offlineError?: string;
  /** The offline SQL text of this revision (MigrationSql.upgradeSql), when available: its COMMIT / BEGIN lines
   * (what autocommit_block() renders) mark transaction boundaries the offline statement list does not carry. */
  offlineSql?: string | null;
  downgrade: RevisionRecord['downgrade'];
  downgradeLine: number | null;
}

export interface LintInput {
  projectDir: string;
  dialect: Dialect;
  serverVersionNum: number;
  /** Oldest first: the order startAfter counts in, and the order table history is replayed in. */
  revisions: LintRevisionInput[];
  config: LintConfig;
}

// ---------------------------------------------------------------------------------------------------------------
// The statement model. Names are normalised the way PostgreSQL resolves them: unquoted identifiers are lower-cased,
// quoted ones kept exactly; `table` fields hold the unqualified name (schema dropped).

export interface TypeRef {
  /** Canonical lower-case name: integer, bigint, smallint, serial, bigserial, smallserial, varchar, char, text,
   * timestamp, timestamptz, time, timetz, json, jsonb, numeric, boolean, uuid, ... or the user type's name. */
  name: string;
  /** Type modifiers, e.g. [50] for varchar(50), [10, 2] for numeric(10,2). */
  args: number[];
  array: boolean;
}

export interface ExprInfo {
  /** Function names called anywhere in the expression, lower-case and unqualified (now, gen_random_uuid, ...). */
  functions: string[];
  /** SQL value keywords used (CURRENT_TIMESTAMP, LOCALTIMESTAMP, ...), upper-case. */
  keywords: string[];
  /** Column references (lower-case, unqualified). */
  columns: string[];
  /** True when the expression is a literal, a NULL, or a cast of one. */
  constant: boolean;
  /** True when the expression is NULL (or a cast of NULL). */
  isNull: boolean;
  /** Operators and predicate keywords seen (=, <, >, IS NULL, IS NOT NULL, BETWEEN, IN, LIMIT, AND, OR, ...). */
  operators: string[];
  /** A subquery appears in it. */
  subquery: boolean;
  /** String literal values seen in it. */
  strings: string[];
}

export interface ColumnDef {
  name: string;
  type: TypeRef | null;
  notNull: boolean;
  primaryKey: boolean;
  unique: boolean;
  default: ExprInfo | null;
  generated: 'stored' | 'virtual' | null;
  identity: boolean;
  references: string | null;
  check: ExprInfo | null;
}

export type ConstraintKind = 'primary-key' | 'unique' | 'foreign-key' | 'check' | 'exclude' | 'not-null' | 'other';

export interface ConstraintDef {
  kind: ConstraintKind;
  name: string | null;
  notValid: boolean;
  /** `... USING INDEX name`: a UNIQUE / PRIMARY KEY built from an existing index. */
  usingIndex: string | null;
  columns: string[];
  /** Referenced table of a FOREIGN KEY. */
  references: string | null;
  check: ExprInfo | null;
}

export type AlterAction =
  | { kind: 'add-column'; column: ColumnDef; ifNotExists: boolean }
  | { kind: 'drop-column'; column: string }
  | { kind: 'rename-column'; from: string; to: string }
  | { kind: 'rename-table'; to: string }
  | { kind: 'set-not-null'; column: string }
  | { kind: 'drop-not-null'; column: string }
  | { kind: 'set-type'; column: string; type: TypeRef | null; using: ExprInfo | null }
  | { kind: 'set-default'; column: string; expr: ExprInfo }
  | { kind: 'drop-default'; column: string }
  | { kind: 'add-constraint'; constraint: ConstraintDef }
  | { kind: 'drop-constraint'; name: string }
  | { kind: 'validate-constraint'; name: string }
  /** Anything else (SET LOGGED, SET (fillfactor=...), OWNER TO, ...): the leading words, upper-case. */
  | { kind: 'other'; words: string };

export type ParsedStatement =
  | {
      kind: 'create-table';
      table: string;
      columns: ColumnDef[];
      constraints: ConstraintDef[];
      ifNotExists: boolean;
      asSelect: boolean;
      temporary: boolean;
    }
  | { kind: 'alter-table'; table: string; actions: AlterAction[] }
  | { kind: 'create-index'; table: string; name: string | null; concurrently: boolean; unique: boolean; ifNotExists: boolean }
  | { kind: 'drop-index'; names: string[]; concurrently: boolean; ifExists: boolean }
  | { kind: 'reindex'; target: string; name: string | null; concurrently: boolean }
  | { kind: 'drop-table'; tables: string[]; ifExists: boolean }
  | { kind: 'truncate'; tables: string[] }
  | { kind: 'create-type'; name: string; enumValues: string[] | null }
  | { kind: 'alter-type'; name: string; addValue: { value: string; position: 'before' | 'after' | null } | null }
  | { kind: 'set'; name: string; value: string; local: boolean }
  | { kind: 'reset'; name: string }
  | { kind: 'transaction'; action: 'begin' | 'commit' | 'rollback' | 'savepoint' }
  | { kind: 'update'; table: string; where: ExprInfo | null; from: boolean }
  | { kind: 'delete'; table: string; where: ExprInfo | null }
  | { kind: 'insert'; table: string; fromSelect: boolean }
  | { kind: 'lock-table'; tables: string[]; mode: string }
  | { kind: 'maintenance'; command: 'VACUUM FULL' | 'CLUSTER' | 'REFRESH MATERIALIZED VIEW'; tables: string[]; concurrently: boolean }
  /** Everything rules do not look inside: the statement's leading keywords, upper-case (CREATE FUNCTION, DO, ...). */
  | { kind: 'other'; command: string };

export type StatementKind = ParsedStatement['kind'];

export interface ParseResult {
  statement: ParsedStatement;
  /** Names this statement defines (tables, columns, constraints, indexes, types), as written. */
  definedNames: string[];
  /** 'cst': read from sql-parser-cst; 'tokens': sql-parser-cst could not parse it, the token classifier read it. */
  via: 'cst' | 'tokens';
  /** sql-parser-cst's error, when via = 'tokens'. */
  parseError?: string;
  /** False when neither reader recognised the statement (kind 'other' from the token classifier). */
  understood: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// What rules see.

export interface LockFact {
  relation: string;
  /** PostgreSQL lock mode name as in pg_locks: AccessExclusiveLock, ShareLock, ... */
  mode: string;
}

/** One SQL statement as rules see it: parsed, located, and placed in its revision's history. */
export interface LintStatement {
  /** Position in the revision's linted statement list. */
  index: number;
  /** Position of the ExecutedStatement it came from (one op.execute may hold several statements). */
  origin: number;
  sql: string;
  parsed: ParsedStatement;
  definedNames: string[];
  via: 'cst' | 'tokens';
  understood: boolean;
  /** Migration file and line of the op.* call that issued it (fallback: the revision file, no line). */
  file: string;
  line: number | null;
  call: string | null;
  /** Facts observed on the real database (executed trace on PostgreSQL with facts), if any. */
  facts: StatementFacts | null;
  /** Tables created (or renamed into being) earlier in this revision, unqualified lower-case names. */
  newTables: ReadonlySet<string>;
  /** Indexes created earlier in this revision → their table. */
  newIndexes: ReadonlyMap<string, string>;
  /** Inside a transaction block (from facts when present, else from BEGIN/COMMIT and Alembic's defaults). */
  inTransaction: boolean;
  /** Increments with every new transaction in the revision; equal ids share a transaction. */
  transaction: number;
  /** lock_timeout in force in milliseconds (0 = none), from facts when present, else from SET statements seen. */
  lockTimeoutMs: number;
  /** Where lockTimeoutMs comes from. */
  lockTimeoutSource: 'facts' | 'statements';
  /** Locks this statement takes on tables that existed before the revision: observed (facts) or inferred. */
  locks: LockFact[];
  locksSource: 'facts' | 'inferred';
  /** Statement is Alembic's own bookkeeping (alembic_version); rules skip it. */
  bookkeeping: boolean;
}

export interface RevisionContext {
  revision: string;
  /** Migration file relative to the project directory. */
  file: string;
  dialect: Dialect;
  /** Effective server version number (config.targetServerVersion or the throwaway server's). */
  serverVersionNum: number;
  statements: LintStatement[];
  /** 'executed': the online trace (with facts when present); 'offline': the --sql statements. */
  source: 'executed' | 'offline' | 'none';
  offlineError?: string;
  downgrade: LintRevisionInput['downgrade'];
  downgradeLine: number | null;
  /** The column's type just before `at` ran, from earlier statements and revisions (null when unknown). */
  columnTypeBefore(at: LintStatement, table: string, column: string): TypeRef | null;
  /** True when a validated CHECK (column IS NOT NULL) exists on table.column before `at` (from the SQL linted). */
  hasValidatedNotNullCheck(at: LintStatement, table: string, column: string): boolean;
  /** True when the table was created earlier in this revision (rules on such tables do not fire). */
  isNewTable(table: string, at: LintStatement): boolean;
}

/** What a rule reports; the engine adds code, severity, revision, file, line, sql, hint and base evidence. */
export interface RuleReport {
  statement: LintStatement | null;
  message: string;
  /** Line to point at when there is no statement (irreversible-downgrade) or a better one. */
  line?: number | null;
  /** Extra evidence merged over the statement's facts. */
  evidence?: Record<string, unknown>;
  details?: string[];
  /** 'info': a finding that says something is safe (always notice severity), e.g. a type change with no rewrite. */
  level?: 'hazard' | 'info';
}

export interface Rule {
  id: string;
  /** One line: what the rule catches. */
  title: string;
  defaultSeverity: Severity;
  dialects: readonly Dialect[];
  /** Only runs on servers at or above / below these server_version_num values. */
  minServerVersion?: number;
  maxServerVersion?: number;
  /** The safe alternative, with the Alembic code to write (markdown; becomes the finding's hint). */
  hint: string;
  /** Squawk rule names covering the same hazard (documented in docs/rules/README.md). */
  squawk?: readonly string[];
  /** Emitted by the engine itself (parse failures, ignores), not by check(). */
  engine?: true;
  /** Emitted after lint by another module (lock-time-exceeds: checks/lock-time.ts), which applies its ignores. */
  external?: true;
  check(ctx: RevisionContext, report: (r: RuleReport) => void): void;
}
