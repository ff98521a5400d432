// rename-table: ALTER TABLE ... RENAME TO on an existing table. Running code still queries the old name.

import { hintWithCode } from '../hint-text.ts';
import { alterActions, existingTable, lintable } from '../statement-queries.ts';
import type { Rule } from '../types.ts';

export const renameTable: Rule = {
  id: 'rename-table',
  title: 'Table renamed (breaks running code)',
  defaultSeverity: 'warning',
  dialects: ['postgresql', 'sqlite'],
  squawk: ['renaming-table'],
  hint: hintWithCode(
    'Keep the old name working while code moves over: rename and leave an updatable view under the old name, then drop the view in a later release.',
    `
op.rename_table("users", "accounts")
op.execute("CREATE VIEW users AS SELECT * FROM accounts")  # simple views accept INSERT/UPDATE/DELETE
# later release, once nothing uses "users":
op.execute("DROP VIEW users")`,
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      for (const { table, action } of alterActions(stmt, 'rename-table')) {
        // SQLite batch mode renames its temporary copy back into place: not a rename of a live table.
        if (!existingTable(ctx, stmt, table) || table.startsWith('_alembic_tmp_')) continue;
        report({
          statement: stmt,
          message: `Renaming table ${table} to ${action.to} breaks every running application instance that still queries ${table}.`,
        });
      }
    }
  },
};
