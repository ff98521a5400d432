// delete-without-where: DELETE with no WHERE on an existing table. Every row is deleted in one statement, locked
// until the migration commits; usually a mistake, and when meant (emptying a table) TRUNCATE says so.

import { hintWithCode } from '../hint-text.ts';
import { existingTable, lintable } from '../statement-queries.ts';
import type { Rule } from '../types.ts';

export const deleteWithoutWhere: Rule = {
  id: 'delete-without-where',
  title: 'DELETE without WHERE on an existing table',
  defaultSeverity: 'warning',
  dialects: ['postgresql', 'sqlite'],
  hint: hintWithCode(
    'When the table is meant to be emptied, say so: TRUNCATE is one short lock and no dead rows (and the next statements may then rely on an empty table). Otherwise add the WHERE, and delete in batches:',
    `
op.execute("TRUNCATE TABLE sessions")
# or, to delete some rows of a large table:
with op.get_context().autocommit_block():
    while op.get_bind().execute(sa.text(
        "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at < now() LIMIT 5000)"
    )).rowcount:
        pass`,
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      const p = stmt.parsed;
      if (p.kind !== 'delete' || p.where) continue;
      if (!existingTable(ctx, stmt, p.table)) continue;
      report({
        statement: stmt,
        message: `DELETE on ${p.table} has no WHERE: it deletes every row in one statement, and all of them stay locked until the migration commits.`,
      });
    }
  },
};
