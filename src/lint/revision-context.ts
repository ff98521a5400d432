// Builds what rules see for one revision: every statement parsed, located (file:line of the op.* call) and placed
// in the revision's history — tables created so far, transaction, lock_timeout in force, locks taken.
// Facts observed on the real database win over what the SQL text implies.

import type { ExecutedStatement } from '../driver/protocol.ts';
import { inferLocks, timeoutMs } from './locks.ts';
import type { ParsedPiece, StatementParser } from './parse.ts';
import { unqualified } from './sql-names.ts';
import { splitStatements } from './sql-tokens.ts';
import type { Dialect, LintRevisionInput, LintStatement, ParsedStatement, RevisionContext, TypeRef } from './types.ts';

/** Column types and NOT NULL checks carried from revision to revision (oldest first). */
export class SchemaHistory {
  private readonly columns = new Map<string, Map<string, TypeRef | null>>();
  /** constraint name → table.column it checks IS NOT NULL, and whether it is validated. */
  private readonly notNullChecks = new Map<string, { key: string; validated: boolean }>();

  type(table: string, column: string): TypeRef | null {
    return this.columns.get(table)?.get(column) ?? null;
  }
  hasValidatedNotNull(table: string, column: string): boolean {
    const key = `${table}.${column}`;
    for (const c of this.notNullChecks.values()) if (c.key === key && c.validated) return true;
    return false;
  }

  apply(p: ParsedStatement): void {
    if (p.kind === 'create-table') {
      const cols = new Map<string, TypeRef | null>();
      for (const c of p.columns) cols.set(c.name, c.type);
      this.columns.set(p.table, cols);
      for (const c of p.constraints) this.noteCheck(p.table, c.name, c.check, !c.notValid);
      return;
    }
    if (p.kind === 'drop-table') {
      for (const t of p.tables) this.columns.delete(t);
      return;
    }
    if (p.kind !== 'alter-table') return;
    let table = p.table;
    for (const a of p.actions) {
      const cols = this.columns.get(table) ?? new Map<string, TypeRef | null>();
      this.columns.set(table, cols);
      switch (a.kind) {
        case 'add-column':
          cols.set(a.column.name, a.column.type);
          break;
        case 'set-type':
          cols.set(a.column, a.type);
          break;
        case 'drop-column':
          cols.delete(a.column);
          break;
        case 'rename-column':
          cols.set(a.to, cols.get(a.from) ?? null);
          cols.delete(a.from);
          break;
        case 'rename-table':
          this.columns.delete(table);
          this.columns.set(a.to, cols);
          table = a.to;
          break;
        case 'add-constraint':
          this.noteCheck(table, a.constraint.name, a.constraint.check, !a.constraint.notValid);
          break;
        case 'validate-constraint': {
          const c = this.notNullChecks.get(a.name);
          if (c) c.validated = true;
          break;
        }
        case 'drop-constraint':
          this.notNullChecks.delete(a.name);
          break;
      }
    }
  }

  private noteCheck(table: string, name: string | null, check: { columns: string[]; operators: string[] } | null, validated: boolean) {
    if (!name || !check) return;
    if (check.columns.length === 1 && check.operators.length === 1 && check.operators[0] === 'IS NOT NULL') {
      this.notNullChecks.set(name, { key: `${table}.${check.columns[0]}`, validated });
    }
  }
}

/**
 * Puts back the COMMIT / BEGIN lines of the offline SQL text (rendered by autocommit_block(), but not part of the
 * offline statement list) between the statements they separate, as statements without a location.
 */
export function withTransactionBoundaries(statements: ExecutedStatement[], text: string): ExecutedStatement[] {
  const out: ExecutedStatement[] = [];
  let pos = 0;
  const boundaries = (gap: string) => {
    for (const piece of splitStatements(gap)) {
      const first = piece.tokens.find((t) => t.type === 'word');
      if (first && ['BEGIN', 'COMMIT', 'ROLLBACK', 'START', 'END'].includes(first.value)) {
        out.push({ sql: piece.sql, file: null, line: null, call: null, durationMs: 0 });
      }
    }
  };
  for (const st of statements) {
    const at = text.indexOf(st.sql, pos);
    if (at !== -1) {
      boundaries(text.slice(pos, at));
      pos = at + st.sql.length;
    }
    out.push(st);
  }
  boundaries(text.slice(pos));
  return out;
}

export interface BuiltRevision {
  ctx: RevisionContext;
  /** Parsed pieces per ExecutedStatement (for SQL ignore directives), indexed by origin. */
  pieces: ParsedPiece[][];
}

const TABLE_KINDS = new Set(['table', 'partitioned-table', 'materialized-view', 'foreign-table', 'view']);

/** Statements PostgreSQL refuses inside a transaction block. */
function onlyOutsideTransaction(p: ParsedStatement, serverVersionNum: number): boolean {
  if ((p.kind === 'create-index' || p.kind === 'drop-index' || p.kind === 'reindex') && p.concurrently) return true;
  if (p.kind === 'maintenance' && p.command === 'VACUUM FULL') return true;
  if (p.kind === 'other' && (p.command === 'VACUUM' || p.command === 'CREATE DATABASE' || p.command === 'DROP DATABASE')) return true;
  return p.kind === 'alter-type' && p.addValue !== null && serverVersionNum < 120000;
}

function isBookkeeping(p: ParsedStatement): boolean {
  const table =
    p.kind === 'insert' || p.kind === 'update' || p.kind === 'delete' || p.kind === 'create-table' || p.kind === 'alter-table'
      ? p.table
      : p.kind === 'drop-table'
        ? p.tables[0] ?? ''
        : '';
  return table === 'alembic_version';
}

export function buildRevision(
  rev: LintRevisionInput,
  parser: StatementParser,
  dialect: Dialect,
  serverVersionNum: number,
  history: SchemaHistory,
): BuiltRevision {
  const source: RevisionContext['source'] = rev.executed ? 'executed' : rev.offline ? 'offline' : 'none';
  const input: ExecutedStatement[] = rev.executed ?? (rev.offline && rev.offlineSql ? withTransactionBoundaries(rev.offline, rev.offlineSql) : rev.offline) ?? [];
  const statements: LintStatement[] = [];
  const pieces: ParsedPiece[][] = [];
  const typesBefore = new Map<string, TypeRef | null>();
  const notNullBefore = new Set<string>();

  let newTables: Set<string> = new Set();
  let newIndexes: Map<string, string> = new Map();
  // Alembic runs each migration inside a transaction on PostgreSQL (transactional DDL); SQLite has none by default.
  let inTransaction = dialect === 'postgresql';
  let transaction = inTransaction ? 1 : 0;
  let sessionTimeout = 0;
  let localTimeout: number | null = null;
  let lastFactsInTransaction: boolean | null = null;
  let reopen = false;

  input.forEach((es, origin) => {
    const parsed = parser.parse(es.sql);
    pieces.push(parsed);
    for (const piece of parsed) {
      const p = piece.result.statement;
      if (es.facts) {
        if (es.facts.inTransaction && lastFactsInTransaction === false) transaction++;
        inTransaction = es.facts.inTransaction;
        lastFactsInTransaction = es.facts.inTransaction;
      }
      if (p.kind === 'transaction' && p.action === 'begin' && !inTransaction) {
        inTransaction = true;
        transaction++;
      }
      // A trace without facts does not show autocommit_block(); but a statement PostgreSQL refuses inside a
      // transaction block that ran anyway was outside one, and Alembic begins a new transaction after it.
      if (source === 'executed' && !es.facts && dialect === 'postgresql') {
        if (onlyOutsideTransaction(p, serverVersionNum)) {
          inTransaction = false;
          localTimeout = null;
          reopen = true;
        } else if (reopen && p.kind !== 'transaction') {
          inTransaction = true;
          transaction++;
          reopen = false;
        }
      }
      const factsTimeout = es.facts ? timeoutMs(es.facts.lockTimeout) : null;
      const isNew = (relation: string) => {
        const name = unqualified(relation);
        return newTables.has(name) || newIndexes.has(name);
      };
      // Rules reason about tables; index locks stay in the evidence (they follow their table's).
      const locks = es.facts
        ? es.facts.locks.filter((l) => !isNew(l.relation) && TABLE_KINDS.has(l.kind ?? 'table')).map((l) => ({ relation: l.relation, mode: l.mode }))
        : inferLocks(p).filter((l) => !isNew(l.relation));
      const stmt: LintStatement = {
        index: statements.length,
        origin,
        sql: piece.sql,
        parsed: p,
        definedNames: piece.result.definedNames,
        via: piece.result.via,
        understood: piece.result.understood,
        file: es.file ?? rev.file,
        line: es.line,
        call: es.call,
        facts: es.facts ?? null,
        newTables,
        newIndexes,
        inTransaction,
        transaction,
        lockTimeoutMs: factsTimeout ?? localTimeout ?? sessionTimeout,
        lockTimeoutSource: factsTimeout !== null ? 'facts' : 'statements',
        locks,
        locksSource: es.facts ? 'facts' : 'inferred',
        bookkeeping: isBookkeeping(p),
      };
      statements.push(stmt);

      // State after this statement.
      if (p.kind === 'alter-table') {
        for (const a of p.actions) {
          // The type before: for a type change's message, and for hints that restate the column (existing_type=).
          if (a.kind === 'set-type' || a.kind === 'set-not-null' || a.kind === 'drop-not-null') {
            typesBefore.set(`${stmt.index}:${p.table}.${a.column}`, history.type(p.table, a.column));
          }
          if (a.kind === 'rename-column') typesBefore.set(`${stmt.index}:${p.table}.${a.from}`, history.type(p.table, a.from));
          if (a.kind === 'set-not-null' && history.hasValidatedNotNull(p.table, a.column)) {
            notNullBefore.add(`${stmt.index}:${p.table}.${a.column}`);
          }
        }
      }
      history.apply(p);
      if (p.kind === 'transaction' && p.action !== 'savepoint' && p.action !== 'begin') {
        inTransaction = false;
        localTimeout = null;
      }
      if (p.kind === 'set' && p.name === 'lock_timeout') {
        const ms = timeoutMs(p.value) ?? 0;
        if (!p.local) sessionTimeout = ms;
        else if (inTransaction) localTimeout = ms;
      }
      if (p.kind === 'reset' && (p.name === 'lock_timeout' || p.name === 'all')) {
        sessionTimeout = 0;
        localTimeout = null;
      }
      if (p.kind === 'create-table') newTables = new Set(newTables).add(p.table);
      if (p.kind === 'alter-table') {
        for (const a of p.actions) {
          if (a.kind === 'rename-table' && newTables.has(p.table)) newTables = new Set(newTables).add(a.to);
        }
      }
      if (p.kind === 'create-index' && p.name) newIndexes = new Map(newIndexes).set(p.name, p.table);
    }
  });

  const ctx: RevisionContext = {
    revision: rev.revision,
    file: rev.file,
    dialect,
    serverVersionNum,
    statements,
    source,
    offlineError: rev.offlineError,
    downgrade: rev.downgrade,
    downgradeLine: rev.downgradeLine,
    columnTypeBefore: (at, table, column) => typesBefore.get(`${at.index}:${table}.${column}`) ?? null,
    hasValidatedNotNullCheck: (at, table, column) => notNullBefore.has(`${at.index}:${table}.${column}`),
    isNewTable: (table, at) => at.newTables.has(unqualified(table)),
  };
  return { ctx, pieces };
}
