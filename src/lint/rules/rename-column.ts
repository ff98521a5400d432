// rename-column: RENAME COLUMN on an existing table. Application instances still running the old code (during and
// after the deploy) select and write the old name and fail: rename with expand/contract instead.

import { hintWithCode } from '../hint-text.ts';
import { alterActions, existingTable, lintable } from '../statement-queries.ts';
import type { Rule } from '../types.ts';

export const renameColumn: Rule = {
  id: 'rename-column',
  title: 'Column renamed (breaks running code)',
  defaultSeverity: 'warning',
  dialects: ['postgresql', 'sqlite'],
  squawk: ['renaming-column'],
  hint: hintWithCode(
    'Expand and contract: add the new column, write both (application or trigger), backfill, move reads, and drop the old column in a later release.',
    `
# release 1
op.add_column("users", sa.Column("full_name", sa.Text(), nullable=True))
# application writes name and full_name; backfill full_name from name in batches
# release 2, once no running code reads "name":
op.drop_column("users", "name")`,
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      for (const { table, action } of alterActions(stmt, 'rename-column')) {
        if (!existingTable(ctx, stmt, table)) continue;
        report({
          statement: stmt,
          message: `Renaming ${table}.${action.from} to ${action.to} breaks every running application instance that still uses ${action.from} until all of them are redeployed.`,
        });
      }
    }
  },
};
