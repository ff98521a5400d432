// add-column-rewrite: ADD COLUMN that rewrites an existing table: a volatile default, a stored generated column or
// an identity/serial column (and any non-NULL default before PostgreSQL 11). Observed rewrites win over inference.

import { hintWithCode } from '../hint-text.ts';
import { alterActions, existingTable, lintable, namesTable, rewrittenExisting, showVersion } from '../statement-queries.ts';
import type { Rule } from '../types.ts';
import { defaultVolatility, suspectFunctions } from '../volatility.ts';

const SERIAL = new Set(['serial', 'bigserial', 'smallserial']);

export const addColumnRewrite: Rule = {
  id: 'add-column-rewrite',
  title: 'Column added with a default that rewrites the table',
  defaultSeverity: 'warning',
  dialects: ['postgresql'],
  squawk: ['adding-field-with-default'],
  hint: hintWithCode(
    'Add the column without the volatile default, set the default for new rows, and backfill existing rows in batches (for a generated column, use a trigger or compute it in the application):',
    `
op.add_column("users", sa.Column("token", sa.Uuid(), nullable=True))
op.execute("ALTER TABLE users ALTER COLUMN token SET DEFAULT gen_random_uuid()")  # new rows only, no rewrite
# backfill existing rows in batches in a separate migration, then SET NOT NULL (see set-not-null)`,
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      for (const { table, action } of alterActions(stmt, 'add-column')) {
        if (!existingTable(ctx, stmt, table)) continue;
        const col = action.column;
        const name = `${table}.${col.name}`;
        if (stmt.facts) {
          const rewritten = rewrittenExisting(stmt);
          if (namesTable(rewritten, table)) {
            report({
              statement: stmt,
              message: `Adding ${name} rewrote ${table} (observed: its storage was replaced) while ACCESS EXCLUSIVE blocked all reads and writes.`,
              evidence: { rewrittenTables: rewritten },
            });
          }
          continue;
        }
        let why: string | null = null;
        if (col.generated === 'stored') why = 'a stored generated column is computed for every existing row';
        else if (col.identity) why = 'an identity column is filled for every existing row';
        else if (col.type && SERIAL.has(col.type.name)) why = `a ${col.type.name} column is filled from its sequence (a volatile nextval() default) for every existing row`;
        else if (col.default && !col.default.isNull) {
          if (ctx.serverVersionNum < 110000) {
            why = `before PostgreSQL 11 any default is written into every existing row (target server: ${showVersion(ctx.serverVersionNum)})`;
          } else {
            const volatility = defaultVolatility(col.default);
            if (volatility === 'volatile') why = `its default calls volatile ${suspectFunctions(col.default).join(', ')}(), evaluated for every existing row`;
            else if (volatility === 'unknown') why = `its default calls ${suspectFunctions(col.default).join(', ')}(), which may be volatile (then it is evaluated for every existing row)`;
          }
        }
        if (why) {
          report({ statement: stmt, message: `Adding ${name} rewrites ${table} under ACCESS EXCLUSIVE: ${why}.` });
        }
      }
    }
  },
};
