// identifier-too-long: a table, column, index, constraint or type name longer than 63 bytes. PostgreSQL silently
// truncates it, so the object exists under another name than the one Alembic and SQLAlchemy will look for.

import { hintWithCode } from '../hint-text.ts';
import { lintable } from '../statement-queries.ts';
import type { Rule } from '../types.ts';

const MAX_BYTES = 63;

export const identifierTooLong: Rule = {
  id: 'identifier-too-long',
  title: 'Identifier longer than 63 bytes',
  defaultSeverity: 'warning',
  dialects: ['postgresql'],
  squawk: ['identifier-too-long'],
  hint: hintWithCode(
    'Shorten the name; for generated constraint and index names, use a naming convention that stays short:',
    `
metadata = sa.MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s",
})
op.create_index("ix_orders_customer_ref", "orders", ["customer_reference_number"])`,
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      for (const name of new Set(stmt.definedNames)) {
        const bytes = Buffer.byteLength(name, 'utf8');
        if (bytes <= MAX_BYTES) continue;
        const truncated = Buffer.from(name, 'utf8').subarray(0, MAX_BYTES).toString('utf8').replace(/\uFFFD$/, '');
        report({
          statement: stmt,
          message: `"${name}" is ${bytes} bytes: PostgreSQL truncates it to "${truncated}", so later migrations and autogenerate that use the full name will not find it.`,
        });
      }
    }
  },
};
