// access-exclusive-held: ACCESS EXCLUSIVE taken on an existing table, then more work in the same transaction
// (above all data backfills, scans, index builds, locks on other tables): the table stays blocked for all of it.

import { hintWithCode } from '../hint-text.ts';
import { blocksWrites } from '../locks.ts';
import { unqualified } from '../sql-names.ts';
import { at, lintable, quoteSql, rewrittenExisting } from '../statement-queries.ts';
import type { LintStatement, Rule } from '../types.ts';

/** Why a later statement is slow or risky while the lock is held, or null when it is catalog-only and quick. */
function laterWork(stmt: LintStatement, lockedTables: Set<string>): string | null {
  const p = stmt.parsed;
  if (p.kind === 'update' || p.kind === 'delete') return `data change on ${p.table}`;
  if (p.kind === 'insert' && p.fromSelect) return `INSERT ... SELECT into ${p.table}`;
  if (p.kind === 'insert' && !stmt.newTables.has(p.table)) return `INSERT into ${p.table}`;
  if (p.kind === 'create-index' && !p.concurrently && !stmt.newTables.has(p.table)) return `index build on ${p.table}`;
  if (p.kind === 'maintenance') return p.command;
  if (p.kind === 'alter-table' && !stmt.newTables.has(p.table)) {
    for (const a of p.actions) {
      if (a.kind === 'validate-constraint') return `validation scan of ${p.table}`;
      if (a.kind === 'set-not-null') return `NOT NULL scan of ${p.table}`;
      if (a.kind === 'add-constraint' && !a.constraint.notValid && !a.constraint.usingIndex && a.constraint.kind !== 'not-null') {
        return `constraint check/index build on ${p.table}`;
      }
    }
  }
  if (rewrittenExisting(stmt).length > 0) return `rewrite of ${rewrittenExisting(stmt).map(unqualified).join(', ')}`;
  if (p.kind === 'other' && p.command === 'DO') return 'DO block';
  const other = stmt.locks.find((l) => blocksWrites(l.mode) && !lockedTables.has(unqualified(l.relation)));
  if (other) return `waits for a lock on another table, ${unqualified(other.relation)}`;
  return null;
}

export const accessExclusiveHeld: Rule = {
  id: 'access-exclusive-held',
  title: 'ACCESS EXCLUSIVE held while later statements run',
  defaultSeverity: 'warning',
  dialects: ['postgresql'],
  hint: hintWithCode(
    'Keep the ACCESS EXCLUSIVE statement alone in its transaction (it is then held for milliseconds): move backfills, index builds and changes to other tables into their own migration, or commit in between.',
    `
def upgrade():
    op.execute("SET LOCAL lock_timeout = '3s'")
    op.add_column("users", sa.Column("plan", sa.Text(), nullable=True))
    # the backfill goes in the next migration (batched), not here:
    # op.execute("UPDATE users SET plan = 'free'")`,
  ),
  check(ctx, report) {
    let holder: LintStatement | null = null;
    let locked = new Set<string>();
    let reported = false;
    for (const stmt of lintable(ctx)) {
      if (holder && (!stmt.inTransaction || stmt.transaction !== holder.transaction)) {
        holder = null;
        locked = new Set();
        reported = false;
      }
      if (!stmt.inTransaction) continue;
      if (holder && !reported) {
        const work = laterWork(stmt, locked);
        if (work) {
          reported = true;
          const tables = [...locked].join(', ');
          report({
            statement: stmt,
            message: `This statement (${work}) runs while ACCESS EXCLUSIVE on ${tables}, taken at ${at(holder)}, is still held: every read and write on ${tables} waits until the migration commits.`,
            evidence: { lockTakenAt: at(holder), lockTakenBy: quoteSql(holder.sql) },
          });
        }
      }
      const exclusive = stmt.locks.filter((l) => l.mode === 'AccessExclusiveLock');
      if (exclusive.length > 0) {
        holder ??= stmt;
        for (const l of exclusive) locked.add(unqualified(l.relation));
      }
    }
  },
};
