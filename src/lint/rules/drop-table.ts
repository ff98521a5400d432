// drop-table: DROP TABLE (or TRUNCATE) of a table that existed before the revision: its data is gone.
// SQLite batch mode's drop-and-rename of its own temporary copy is recognised and not reported.

import { hintWithCode } from '../hint-text.ts';
import { existingTable, lintable } from '../statement-queries.ts';
import type { Rule } from '../types.ts';

export const dropTable: Rule = {
  id: 'drop-table',
  title: 'Table dropped or truncated (destructive)',
  defaultSeverity: 'warning',
  dialects: ['postgresql', 'sqlite'],
  squawk: ['ban-drop-table'],
  hint: hintWithCode(
    'Release code that no longer uses the table first, then drop it in a later migration (keep a backup, or rename it away first so the drop can be undone).',
    `
# release 1: remove the model; release 2:
op.rename_table("audit_log", "audit_log_deprecated")  # reversible for a while
# release 3:
op.drop_table("audit_log_deprecated")`,
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      const p = stmt.parsed;
      if (p.kind !== 'drop-table' && p.kind !== 'truncate') continue;
      for (const table of p.tables) {
        if (!existingTable(ctx, stmt, table)) continue;
        if (stmt.newTables.has(`_alembic_tmp_${table}`) || table.startsWith('_alembic_tmp_')) continue;
        report({
          statement: stmt,
          message:
            p.kind === 'drop-table'
              ? `Dropping table ${table} destroys its data, and running code that still queries it fails.`
              : `TRUNCATE ${table} deletes every row (under ACCESS EXCLUSIVE).`,
        });
      }
    }
  },
};
