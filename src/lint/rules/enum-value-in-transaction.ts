// enum-value-in-transaction: ALTER TYPE ... ADD VALUE inside a transaction. Before PostgreSQL 12 it is refused
// outright; from 12 on, the new value cannot be used until the transaction commits ("unsafe use of new value").

import { hintWithCode } from '../hint-text.ts';
import { at, lintable, showVersion } from '../statement-queries.ts';
import type { Rule } from '../types.ts';

export const enumValueInTransaction: Rule = {
  id: 'enum-value-in-transaction',
  title: 'Enum value added inside a transaction',
  defaultSeverity: 'error',
  dialects: ['postgresql'],
  hint: hintWithCode(
    'Add the value in an autocommit block, so it is committed before anything uses it:',
    `
with op.get_context().autocommit_block():
    op.execute("ALTER TYPE status ADD VALUE IF NOT EXISTS 'archived' AFTER 'closed'")
op.execute("UPDATE tickets SET status = 'archived' WHERE closed_at < now() - interval '1 year'")`,
  ),
  check(ctx, report) {
    const statements = lintable(ctx);
    statements.forEach((stmt, k) => {
      const p = stmt.parsed;
      if (p.kind !== 'alter-type' || !p.addValue || !stmt.inTransaction) return;
      if (ctx.serverVersionNum < 120000) {
        report({
          statement: stmt,
          message: `ALTER TYPE ${p.name} ADD VALUE runs inside a transaction block: PostgreSQL ${showVersion(ctx.serverVersionNum)} (before 12) refuses that.`,
        });
        return;
      }
      const value = p.addValue.value;
      const user = statements
        .slice(k + 1)
        .find((s) => s.inTransaction && s.transaction === stmt.transaction && s.sql.includes(`'${value.replace(/'/g, "''")}'`));
      if (user) {
        report({
          statement: user,
          message: `This statement uses enum value '${value}', added to ${p.name} at ${at(stmt)} in the same transaction: PostgreSQL refuses it ("unsafe use of new value") until that transaction commits.`,
          evidence: { valueAddedAt: at(stmt) },
        });
      }
    });
  },
};
