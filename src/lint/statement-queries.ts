// Small questions rules ask about a statement: its ALTER TABLE actions, whether its table existed before the
// revision, which tables the database saw rewritten, and how to name its locks in a message.

import { lockRank, showLockMode } from './locks.ts';
import { unqualified } from './sql-names.ts';
import type { AlterAction, LintStatement, RevisionContext, TypeRef } from './types.ts';

export type ActionOf<K extends AlterAction['kind']> = Extract<AlterAction, { kind: K }>;

/** The ALTER TABLE actions of one kind in a statement, with the table they act on. */
export function alterActions<K extends AlterAction['kind']>(stmt: LintStatement, kind: K): { table: string; action: ActionOf<K> }[] {
  const p = stmt.parsed;
  if (p.kind !== 'alter-table') return [];
  return p.actions.filter((a): a is ActionOf<K> => a.kind === kind).map((action) => ({ table: p.table, action }));
}

/** Statements rules look at: everything except Alembic's alembic_version bookkeeping. */
export function lintable(ctx: RevisionContext): LintStatement[] {
  return ctx.statements.filter((s) => !s.bookkeeping);
}

export function existingTable(ctx: RevisionContext, stmt: LintStatement, table: string): boolean {
  return table !== '' && !ctx.isNewTable(table, stmt);
}

/** Relations the database saw rewritten by this statement (new relfilenode), minus ones created in the revision. */
export function rewrittenExisting(stmt: LintStatement): string[] {
  if (!stmt.facts) return [];
  return stmt.facts.rewritten.filter((r) => {
    const name = unqualified(r);
    return !stmt.newTables.has(name) && !stmt.newIndexes.has(name);
  });
}

/** True when `table` (or a relation of that name, any schema) is in the list. */
export function namesTable(relations: string[], table: string): boolean {
  return relations.some((r) => unqualified(r) === table);
}

/** `ACCESS EXCLUSIVE on users, SHARE ROW EXCLUSIVE on orgs`: the strongest mode per table. */
export function describeLocks(stmt: LintStatement, filter: (mode: string) => boolean = () => true): string {
  const strongest = new Map<string, string>();
  for (const l of stmt.locks) {
    if (!filter(l.mode)) continue;
    const table = unqualified(l.relation);
    const seen = strongest.get(table);
    if (!seen || lockRank(l.mode) > lockRank(seen)) strongest.set(table, l.mode);
  }
  return [...strongest].map(([table, mode]) => `${showLockMode(mode)} on ${table}`).join(', ');
}

/** ` (observed: ACCESS EXCLUSIVE on users)` when facts exist, else ''. */
export function observedLocks(stmt: LintStatement): string {
  if (!stmt.facts || stmt.locks.length === 0) return '';
  return ` (observed: ${describeLocks(stmt)})`;
}

/** `file:line` of a statement for messages. */
export function at(stmt: LintStatement): string {
  return stmt.line !== null ? `${stmt.file}:${stmt.line}` : stmt.file;
}

export function quoteSql(sql: string, max = 80): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Lower-case first word of a server version for messages: 120000 → "12", 90600 → "9.6". */
export function showVersion(num: number): string {
  if (num >= 100000) return String(Math.floor(num / 10000));
  return `${Math.floor(num / 10000)}.${Math.floor((num % 10000) / 100)}`;
}

/** Columns whose type this statement chooses: CREATE TABLE columns, ADD COLUMN, ALTER COLUMN ... TYPE. */
export function typedColumns(stmt: LintStatement): { table: string; column: string; type: TypeRef }[] {
  const p = stmt.parsed;
  const out: { table: string; column: string; type: TypeRef }[] = [];
  if (p.kind === 'create-table' && !p.temporary) {
    for (const c of p.columns) if (c.type) out.push({ table: p.table, column: c.name, type: c.type });
  }
  if (p.kind === 'alter-table') {
    for (const a of p.actions) {
      if (a.kind === 'add-column' && a.column.type) out.push({ table: p.table, column: a.column.name, type: a.column.type });
      if (a.kind === 'set-type' && a.type) out.push({ table: p.table, column: a.column, type: a.type });
    }
  }
  return out;
}
