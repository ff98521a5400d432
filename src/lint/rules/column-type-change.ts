// column-type-change: ALTER COLUMN ... TYPE on an existing table. When the database was watched, says whether it
// rewrote the table (a hazard) or not (safe: a brief ACCESS EXCLUSIVE); otherwise judges from the old and new types.

import { hintWithCode } from '../hint-text.ts';
import { showType } from '../sql-names.ts';
import { alterActions, existingTable, lintable, namesTable, rewrittenExisting } from '../statement-queries.ts';
import { typeChangeVerdict } from '../type-change.ts';
import type { Rule } from '../types.ts';

/** Built-in type names (TypeRef's canonical names): a same-type ALTER of one of these is silent. */
const BUILTIN = new Set([
  'integer', 'bigint', 'smallint', 'serial', 'bigserial', 'smallserial', 'varchar', 'char', 'text', 'timestamp',
  'timestamptz', 'time', 'timetz', 'date', 'interval', 'json', 'jsonb', 'numeric', 'boolean', 'uuid', 'real',
  'double precision', 'bytea', 'inet', 'cidr', 'macaddr', 'money', 'xml', 'bit', 'varbit', 'tsvector', 'oid',
]);

export const columnTypeChange: Rule = {
  id: 'column-type-change',
  title: 'Column type change (rewrite observed or inferred)',
  defaultSeverity: 'warning',
  dialects: ['postgresql'],
  squawk: ['changing-column-type'],
  hint: hintWithCode(
    'A change that rewrites the table holds ACCESS EXCLUSIVE for the whole rewrite. Expand and contract instead: add a new column, write both (application or trigger), backfill in batches, switch reads, then drop the old column. Binary-coercible changes (varchar(n) → longer varchar or text, numeric precision up) do not rewrite.',
    `
# migration 1: expand
op.add_column("users", sa.Column("age_new", sa.BigInteger(), nullable=True))
# ... dual-write from the application (or a trigger), backfill in batches ...
# a later migration, once nothing reads the old column: contract
op.drop_column("users", "age")
op.alter_column("users", "age_new", new_column_name="age")`,
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      for (const { table, action } of alterActions(stmt, 'set-type')) {
        if (!existingTable(ctx, stmt, table)) continue;
        const from = ctx.columnTypeBefore(stmt, table, action.column);
        if (from && action.type && showType(from) === showType(action.type)) {
          // ALTER COLUMN ... TYPE to the type the column already has changes nothing: not a type change. The one
          // case worth a word is an enum, where an alter_column "adding" labels is exactly this no-op.
          if (!BUILTIN.has(from.name)) {
            report({
              statement: stmt,
              level: 'info',
              message: `ALTER COLUMN ${action.column} TYPE ${showType(from)} on ${table} changes nothing: the column already is ${showType(from)}. If op.alter_column(..., type_=sa.Enum(...)) was meant to add labels to the enum ${from.name}, it added none: that takes ALTER TYPE ${from.name} ADD VALUE '...'.`,
            });
          }
          continue;
        }
        const change = `${table}.${action.column}${from ? ` from ${showType(from)}` : ''} to ${showType(action.type)}`;
        if (stmt.facts) {
          const rewritten = rewrittenExisting(stmt);
          if (namesTable(rewritten, table)) {
            report({
              statement: stmt,
              message: `Changing ${change} rewrote ${table} (observed: its storage was replaced) while ACCESS EXCLUSIVE blocked all reads and writes.`,
              evidence: { rewrittenTables: rewritten },
            });
          } else {
            report({
              statement: stmt,
              level: 'info',
              message: `Changing ${change} did not rewrite ${table} (observed): safe, it holds ACCESS EXCLUSIVE only briefly. Clients that read the column may still need to cope with the new type.`,
            });
          }
          continue;
        }
        const verdict = typeChangeVerdict(from, action.type, ctx.serverVersionNum);
        if (verdict.verdict === 'no-rewrite') {
          report({
            statement: stmt,
            level: 'info',
            message: `Changing ${change} does not rewrite ${table} (${verdict.why}): safe, ACCESS EXCLUSIVE is held only briefly.`,
          });
        } else {
          report({
            statement: stmt,
            message: `Changing ${change} ${verdict.verdict === 'rewrite' ? 'rewrites' : 'may rewrite'} ${table} under ACCESS EXCLUSIVE (${verdict.why}).`,
          });
        }
      }
    }
  },
};
