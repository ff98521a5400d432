// constraint-without-not-valid: FOREIGN KEY or CHECK added to an existing table without NOT VALID.
// Adding it validates every row while holding a lock that blocks writes (and reads, for CHECK).

import { hintWithCode } from '../hint-text.ts';
import { alterActions, existingTable, lintable, observedLocks } from '../statement-queries.ts';
import type { Rule } from '../types.ts';

export const constraintWithoutNotValid: Rule = {
  id: 'constraint-without-not-valid',
  title: 'FOREIGN KEY or CHECK added without NOT VALID',
  defaultSeverity: 'warning',
  dialects: ['postgresql'],
  squawk: ['constraint-missing-not-valid', 'adding-foreign-key-constraint'],
  hint: hintWithCode(
    'Add the constraint NOT VALID (only new rows are checked, the lock is brief), then VALIDATE it in a later transaction: validation takes only SHARE UPDATE EXCLUSIVE, which lets reads and writes continue.',
    `
# migration 1
op.create_foreign_key("fk_orders_user_id", "orders", "users", ["user_id"], ["id"], postgresql_not_valid=True)
op.create_check_constraint("ck_orders_total", "orders", "total >= 0", postgresql_not_valid=True)

# migration 2 (a separate transaction)
op.execute("ALTER TABLE orders VALIDATE CONSTRAINT fk_orders_user_id")
op.execute("ALTER TABLE orders VALIDATE CONSTRAINT ck_orders_total")`,
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      for (const { table, action } of alterActions(stmt, 'add-constraint')) {
        const c = action.constraint;
        if ((c.kind !== 'foreign-key' && c.kind !== 'check') || c.notValid || !existingTable(ctx, stmt, table)) continue;
        const name = c.name ? ` ${c.name}` : '';
        report({
          statement: stmt,
          message:
            c.kind === 'foreign-key'
              ? `FOREIGN KEY${name} added to existing table ${table} without NOT VALID: every row is checked against ${c.references ?? 'the referenced table'} while SHARE ROW EXCLUSIVE blocks writes to both tables${observedLocks(stmt)}.`
              : `CHECK${name} added to existing table ${table} without NOT VALID: every row is checked while ACCESS EXCLUSIVE blocks reads and writes${observedLocks(stmt)}.`,
        });
      }
    }
  },
};
