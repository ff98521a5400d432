// drop-column: DROP COLUMN on an existing table: the data is gone, and running code that still selects or inserts
// the column fails (SQLAlchemy models list every column in their INSERTs and SELECTs).

import { hintWithCode } from '../hint-text.ts';
import { alterActions, existingTable, lintable } from '../statement-queries.ts';
import type { Rule } from '../types.ts';

export const dropColumn: Rule = {
  id: 'drop-column',
  title: 'Column dropped (destructive)',
  defaultSeverity: 'warning',
  dialects: ['postgresql', 'sqlite'],
  squawk: ['ban-drop-column'],
  hint: hintWithCode(
    'First release code that no longer reads or writes the column (remove it from the model), then drop it in a later migration; keep a backup if the data may be needed.',
    `
# release 1: remove the attribute from the SQLAlchemy model (nothing selects or inserts it any more)
# release 2:
op.drop_column("users", "legacy_flag")`,
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      for (const { table, action } of alterActions(stmt, 'drop-column')) {
        if (!existingTable(ctx, stmt, table)) continue;
        report({
          statement: stmt,
          message: `Dropping ${table}.${action.column} destroys its data, and running code that still selects or inserts ${action.column} fails until it is redeployed.`,
        });
      }
    }
  },
};
