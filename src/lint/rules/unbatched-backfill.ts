// unbatched-backfill: UPDATE or DELETE of a whole existing table in one statement: no WHERE, or only a NULL test
// (the classic backfill). Every row is locked and rewritten in one transaction: long locks, bloat, replica lag.

import { hintWithCode } from '../hint-text.ts';
import { existingTable, lintable } from '../statement-queries.ts';
import type { ExprInfo, Rule } from '../types.ts';

const NULL_TESTS = new Set(['IS NULL', 'IS NOT NULL', 'AND', 'OR']);

/** A WHERE that still selects every row needing the change: only NULL tests, no key range, no LIMIT. */
function wholeTable(where: ExprInfo | null): boolean {
  if (!where) return true;
  if (where.subquery || where.operators.length === 0) return false;
  return where.operators.every((op) => NULL_TESTS.has(op));
}

export const unbatchedBackfill: Rule = {
  id: 'unbatched-backfill',
  title: 'UPDATE/DELETE of a whole table in one statement',
  defaultSeverity: 'warning',
  dialects: ['postgresql', 'sqlite'],
  hint: hintWithCode(
    'Backfill in batches, each committed on its own, in a migration of its own (the loop needs a live connection, so it has no offline SQL):',
    `
with op.get_context().autocommit_block():
    while True:
        done = op.get_bind().execute(sa.text(
            "UPDATE users SET plan = 'free' WHERE id IN "
            "(SELECT id FROM users WHERE plan IS NULL LIMIT 5000)"
        )).rowcount
        if done == 0:
            break`,
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      const p = stmt.parsed;
      if (p.kind !== 'update' && p.kind !== 'delete') continue;
      if (!existingTable(ctx, stmt, p.table) || !wholeTable(p.where)) continue;
      const verb = p.kind === 'update' ? 'UPDATE' : 'DELETE';
      report({
        statement: stmt,
        message: p.where
          ? `${verb} on ${p.table} filters only on NULLs, so it changes every row still to be backfilled in one statement: all of them stay locked until the migration commits.`
          : `${verb} on ${p.table} has no WHERE: it changes every row in one statement, and all of them stay locked until the migration commits.`,
      });
    }
  },
};
