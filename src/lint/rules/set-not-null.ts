// set-not-null: ALTER COLUMN ... SET NOT NULL on an existing table.
// PostgreSQL scans the whole table under ACCESS EXCLUSIVE, unless (12+) a validated CHECK (col IS NOT NULL) proves it.

import { hintWithCode } from '../hint-text.ts';
import { alterActions, existingTable, lintable, observedLocks } from '../statement-queries.ts';
import type { Rule } from '../types.ts';

export const setNotNull: Rule = {
  id: 'set-not-null',
  title: 'SET NOT NULL on an existing column',
  defaultSeverity: 'warning',
  dialects: ['postgresql'],
  squawk: ['adding-not-nullable-field'],
  hint: hintWithCode(
    'On PostgreSQL 12+, prove the column has no NULLs with a CHECK added NOT VALID and validated in a later transaction; SET NOT NULL then skips the scan. (Before 12, keep the validated CHECK instead of SET NOT NULL.)',
    `
# migration 1
op.create_check_constraint("ck_users_email_not_null", "users", "email IS NOT NULL", postgresql_not_valid=True)

# migration 2: after backfilling the NULLs
op.execute("ALTER TABLE users VALIDATE CONSTRAINT ck_users_email_not_null")
op.alter_column("users", "email", existing_type=sa.Text(), nullable=False)  # no scan: uses the CHECK
op.drop_constraint("ck_users_email_not_null", "users", type_="check")`,
  ),
  check(ctx, report) {
    const modern = ctx.serverVersionNum >= 120000;
    for (const stmt of lintable(ctx)) {
      for (const { table, action } of alterActions(stmt, 'set-not-null')) {
        if (!existingTable(ctx, stmt, table)) continue;
        if (modern && ctx.hasValidatedNotNullCheck(stmt, table, action.column)) continue;
        report({
          statement: stmt,
          message: `SET NOT NULL on ${table}.${action.column} scans every row while ACCESS EXCLUSIVE blocks all reads and writes${observedLocks(stmt)}${
            modern ? '; no validated CHECK (' + action.column + ' IS NOT NULL) was seen that would let PostgreSQL skip the scan' : ''
          }.`,
        });
      }
    }
  },
};
