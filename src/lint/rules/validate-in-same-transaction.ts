// validate-in-same-transaction: VALIDATE CONSTRAINT in the same transaction that added the constraint NOT VALID.
// The lock taken by ADD CONSTRAINT is still held during the validation scan, so NOT VALID bought nothing.

import { hintWithCode } from '../hint-text.ts';
import { alterActions, at, existingTable, lintable } from '../statement-queries.ts';
import type { LintStatement, Rule } from '../types.ts';

export const validateInSameTransaction: Rule = {
  id: 'validate-in-same-transaction',
  title: 'NOT VALID and VALIDATE in the same transaction',
  defaultSeverity: 'warning',
  dialects: ['postgresql'],
  hint: hintWithCode(
    'Commit between the two steps: validate in a later migration, or commit first with an autocommit block.',
    `
op.create_check_constraint("ck_accounts_balance", "accounts", "balance >= 0", postgresql_not_valid=True)

# later migration, or after the first transaction commits:
with op.get_context().autocommit_block():
    op.execute("ALTER TABLE accounts VALIDATE CONSTRAINT ck_accounts_balance")`,
  ),
  check(ctx, report) {
    const notValid = new Map<string, LintStatement>();
    for (const stmt of lintable(ctx)) {
      for (const { table, action } of alterActions(stmt, 'add-constraint')) {
        if (action.constraint.notValid && action.constraint.name && existingTable(ctx, stmt, table)) {
          notValid.set(action.constraint.name, stmt);
        }
      }
      for (const { table, action } of alterActions(stmt, 'validate-constraint')) {
        const added = notValid.get(action.name);
        if (!added || !stmt.inTransaction || !added.inTransaction || added.transaction !== stmt.transaction) continue;
        report({
          statement: stmt,
          message: `VALIDATE CONSTRAINT ${action.name} on ${table} runs in the same transaction that added it NOT VALID (${at(added)}): the lock ADD CONSTRAINT took is still held during the full validation scan.`,
          evidence: { addedAt: at(added) },
        });
      }
    }
  },
};
