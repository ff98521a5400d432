// irreversible-downgrade: downgrade() is `pass`, raises NotImplementedError, or is missing. A rollback then either
// fails or silently leaves the schema as it is while alembic_version says otherwise.

import { hintWithCode } from '../hint-text.ts';
import type { Rule } from '../types.ts';

/** DDL, as opposed to data statements (INSERT/UPDATE/DELETE/SELECT) and session settings. */
function isSchemaChange(sql: string): boolean {
  return /^\s*(CREATE|ALTER|DROP|COMMENT|GRANT|REVOKE|TRUNCATE|RENAME)\b/i.test(sql.replace(/^(\s*(--[^\n]*\n|\/\*[\s\S]*?\*\/))*/, ''));
}

export const irreversibleDowngrade: Rule = {
  id: 'irreversible-downgrade',
  title: 'Downgrade is empty or not implemented',
  defaultSeverity: 'warning',
  dialects: ['postgresql', 'sqlite'],
  hint: hintWithCode(
    'Write the inverse operations. When the change truly cannot be undone (a destructive data migration), say so explicitly and record why:',
    `
def downgrade():
    op.drop_index("ix_users_email", table_name="users")
    op.drop_column("users", "email")

# or, when it really cannot be reversed:
def downgrade():  # preflight: ignore[irreversible-downgrade] merges duplicate rows; no way back
    raise NotImplementedError("merges duplicate accounts; restore from backup instead")`,
  ),
  check(ctx, report) {
    if (ctx.downgrade === 'ok') return;
    if (ctx.downgrade === 'pass' && !ctx.statements.some((s) => !s.bookkeeping && isSchemaChange(s.sql))) return;
    const message =
      ctx.downgrade === 'pass'
        ? "This revision's downgrade() is empty (`pass`) but its upgrade changes the schema: rolling back leaves those changes in place while alembic_version moves back."
        : ctx.downgrade === 'raises'
          ? "This revision's downgrade() raises NotImplementedError: it cannot be rolled back."
          : 'This revision has no downgrade(): it cannot be rolled back.';
    report({ statement: null, line: ctx.downgradeLine, message });
  },
};
