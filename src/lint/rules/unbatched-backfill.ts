// unbatched-backfill: a backfill of an existing table in one statement: an UPDATE whose WHERE only tests for NULLs
// (the usual backfill of a new column), with no key range or LIMIT. Fine on small tables; on large ones every row
// it touches stays locked until the migration commits, the table bloats and replicas lag. (No WHERE at all is
// update-without-where.)

import { hintWithCode } from '../hint-text.ts';
import { existingTable, lintable } from '../statement-queries.ts';
import type { ExprInfo, Rule } from '../types.ts';

const NULL_TESTS = new Set(['IS NULL', 'IS NOT NULL', 'AND', 'OR']);

/** A WHERE that still selects every row needing the change: only NULL tests, no key range, no LIMIT. */
function onlyNullTests(where: ExprInfo): boolean {
  if (where.subquery || where.operators.length === 0) return false;
  return where.operators.every((op) => NULL_TESTS.has(op));
}

export const unbatchedBackfill: Rule = {
  id: 'unbatched-backfill',
  title: 'Backfill of a whole table in one statement',
  defaultSeverity: 'notice',
  dialects: ['postgresql', 'sqlite'],
  hint: hintWithCode(
    'For a large table, backfill in batches, each committed on its own, in a migration of its own (the loop needs a live connection, so it has no offline SQL):',
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
      if ((p.kind !== 'update' && p.kind !== 'delete') || !p.where || !onlyNullTests(p.where)) continue;
      if (!existingTable(ctx, stmt, p.table)) continue;
      report({
        statement: stmt,
        message: `${p.kind === 'update' ? 'UPDATE' : 'DELETE'} on ${p.table} filters only on NULLs, so it changes every row still to be backfilled in one statement: on a large table all of them stay locked until the migration commits.`,
      });
    }
  },
};
