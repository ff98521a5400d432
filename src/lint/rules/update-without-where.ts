// update-without-where: UPDATE with no WHERE on an existing table. Every row is changed in one statement, and all
// of them stay locked until the migration's transaction commits. (DELETE is delete-without-where.)

import { hintWithCode } from '../hint-text.ts';
import { existingTable, lintable } from '../statement-queries.ts';
import type { Rule } from '../types.ts';

export const updateWithoutWhere: Rule = {
  id: 'update-without-where',
  title: 'UPDATE without WHERE on an existing table',
  defaultSeverity: 'warning',
  dialects: ['postgresql', 'sqlite'],
  hint: hintWithCode(
    'Change the rows in batches, each committed on its own, in a migration of its own (the loop needs a live connection, so it has no offline SQL):',
    `
with op.get_context().autocommit_block():
    while True:
        done = op.get_bind().execute(sa.text(
            "UPDATE users SET status = 'active' WHERE id IN "
            "(SELECT id FROM users WHERE status IS DISTINCT FROM 'active' LIMIT 5000)"
        )).rowcount
        if done == 0:
            break`,
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      const p = stmt.parsed;
      if (p.kind !== 'update' || p.where) continue;
      if (!existingTable(ctx, stmt, p.table)) continue;
      report({
        statement: stmt,
        message: `UPDATE on ${p.table} has no WHERE: it changes every row in one statement, and all of them stay locked until the migration commits.`,
      });
    }
  },
};
