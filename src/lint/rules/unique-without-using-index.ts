// unique-without-using-index: UNIQUE or PRIMARY KEY added to an existing table without `USING INDEX`.
// PostgreSQL builds the unique index while holding ACCESS EXCLUSIVE: reads and writes wait for the whole build.

import { hintWithCode } from '../hint-text.ts';
import { alterActions, existingTable, lintable, observedLocks } from '../statement-queries.ts';
import type { Rule } from '../types.ts';

export const uniqueWithoutUsingIndex: Rule = {
  id: 'unique-without-using-index',
  title: 'UNIQUE or PRIMARY KEY added without USING INDEX',
  defaultSeverity: 'warning',
  dialects: ['postgresql'],
  squawk: ['disallowed-unique-constraint', 'adding-primary-key-constraint', 'adding-serial-primary-key-field'],
  hint: hintWithCode(
    'Build the unique index concurrently first, then attach it as the constraint (a catalog-only change):',
    `
with op.get_context().autocommit_block():
    op.create_index("uq_users_email_idx", "users", ["email"], unique=True, postgresql_concurrently=True)
op.execute("ALTER TABLE users ADD CONSTRAINT uq_users_email UNIQUE USING INDEX uq_users_email_idx")
# primary key: ... ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_id_idx
# (its columns must already be NOT NULL, see set-not-null)`,
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      for (const { table, action } of alterActions(stmt, 'add-constraint')) {
        const c = action.constraint;
        if ((c.kind !== 'unique' && c.kind !== 'primary-key') || c.usingIndex || !existingTable(ctx, stmt, table)) continue;
        const what = c.kind === 'unique' ? 'UNIQUE' : 'PRIMARY KEY';
        report({
          statement: stmt,
          message: `${what}${c.name ? ` ${c.name}` : ''} added to existing table ${table} without USING INDEX: its index is built while ACCESS EXCLUSIVE blocks all reads and writes${observedLocks(stmt)}.`,
        });
      }
      for (const { table, action } of alterActions(stmt, 'add-column')) {
        const col = action.column;
        if (!(col.unique || col.primaryKey) || !existingTable(ctx, stmt, table)) continue;
        report({
          statement: stmt,
          message: `Column ${table}.${col.name} is added with ${col.primaryKey ? 'PRIMARY KEY' : 'UNIQUE'}: the index is built under ACCESS EXCLUSIVE on ${table}${observedLocks(stmt)}. Add the column, build the index concurrently, then attach it.`,
        });
      }
    }
  },
};
