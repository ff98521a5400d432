// add-required-column: ADD COLUMN ... NOT NULL without a DEFAULT on an existing table.
// It fails on any table that has rows, and old application code that does not set the column cannot INSERT.

import { hintWithCode } from '../hint-text.ts';
import { alterActions, existingTable, lintable } from '../statement-queries.ts';
import type { Rule } from '../types.ts';

const AUTO_FILLED = new Set(['serial', 'bigserial', 'smallserial']);

export const addRequiredColumn: Rule = {
  id: 'add-required-column',
  title: 'NOT NULL column added without a default',
  defaultSeverity: 'error',
  dialects: ['postgresql', 'sqlite'],
  squawk: ['adding-required-field'],
  hint: hintWithCode(
    'Give the column a constant server default (PostgreSQL 11+ stores it without rewriting the table), or add it nullable, backfill, then set NOT NULL.',
    `
op.add_column("users", sa.Column("plan", sa.Text(), nullable=False, server_default="free"))
# or:
op.add_column("users", sa.Column("plan", sa.Text(), nullable=True))
# ... backfill in batches, then in a later migration make it NOT NULL (see set-not-null)`,
  ),
  check(ctx, report) {
    // Tables this revision has emptied before the ADD COLUMN (DELETE without WHERE, TRUNCATE): no row to fail on.
    const emptied = new Set<string>();
    for (const stmt of lintable(ctx)) {
      const p = stmt.parsed;
      if (p.kind === 'delete' && !p.where) emptied.add(p.table);
      if (p.kind === 'truncate') for (const t of p.tables) emptied.add(t);
      for (const { table, action } of alterActions(stmt, 'add-column')) {
        if (emptied.has(table)) continue;
        const col = action.column;
        if (!col.notNull || col.identity || col.generated) continue;
        if (col.default && !col.default.isNull) continue;
        if (col.type && AUTO_FILLED.has(col.type.name)) continue;
        if (!existingTable(ctx, stmt, table)) continue;
        report({
          statement: stmt,
          message: `Column ${table}.${col.name} is added NOT NULL without a DEFAULT: this fails on any ${table} table that has rows, and application code that does not set ${col.name} can no longer INSERT.`,
        });
      }
    }
  },
};
