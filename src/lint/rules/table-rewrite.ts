// table-rewrite: a table rewrite for any reason other than ADD COLUMN or a column type change (those rules explain
// their own): observed as a new relfilenode, or implied by VACUUM FULL, CLUSTER, SET TABLESPACE, SET LOGGED/UNLOGGED.

import { hintWithCode } from '../hint-text.ts';
import { unqualified } from '../sql-names.ts';
import { existingTable, lintable, quoteSql, rewrittenExisting } from '../statement-queries.ts';
import type { Rule } from '../types.ts';

const REWRITING_ACTIONS = /^(SET TABLESPACE|SET LOGGED|SET UNLOGGED|SET ACCESS METHOD|SET WITHOUT OIDS)/;

export const tableRewrite: Rule = {
  id: 'table-rewrite',
  title: 'Table rewrite (observed or implied)',
  defaultSeverity: 'warning',
  dialects: ['postgresql'],
  squawk: ['prefer-repack'],
  hint: hintWithCode(
    'A rewrite copies the whole table while ACCESS EXCLUSIVE blocks every query. To reclaim space or re-order rows use pg_repack or pg_squeeze (online); for other changes, expand and contract with a new table or column and a batched backfill.',
    `
# instead of op.execute("VACUUM FULL events") / CLUSTER in a migration, run online, outside Alembic:
#   pg_repack --table=events --no-superuser-check mydb`,
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      const p = stmt.parsed;
      // Those rules explain these rewrites themselves (TRUNCATE: drop-table; REINDEX: create-index-not-concurrently).
      const explainedElsewhere =
        (p.kind === 'alter-table' && p.actions.some((a) => a.kind === 'add-column' || a.kind === 'set-type')) ||
        p.kind === 'truncate' ||
        p.kind === 'reindex';
      if (stmt.facts) {
        const rewritten = rewrittenExisting(stmt);
        if (rewritten.length === 0 || explainedElsewhere) continue;
        report({
          statement: stmt,
          message: `${quoteSql(stmt.sql, 60)} rewrote ${rewritten.map(unqualified).join(', ')} (observed: new storage): the table was copied while its lock blocked other sessions.`,
          evidence: { rewrittenTables: rewritten },
        });
        continue;
      }
      if (p.kind === 'maintenance' && p.command !== 'REFRESH MATERIALIZED VIEW') {
        const tables = p.tables.filter((t) => existingTable(ctx, stmt, t));
        if (tables.length > 0 || p.tables.length === 0) {
          report({
            statement: stmt,
            message: `${p.command} ${tables.join(', ') || '(every table)'} rewrites the table under ACCESS EXCLUSIVE: reads and writes wait for the whole copy.`,
          });
        }
      }
      if (p.kind === 'alter-table' && existingTable(ctx, stmt, p.table)) {
        const action = p.actions.find((a) => a.kind === 'other' && REWRITING_ACTIONS.test(a.words));
        if (action && action.kind === 'other') {
          report({ statement: stmt, message: `ALTER TABLE ${p.table} ${action.words} rewrites the table under ACCESS EXCLUSIVE.` });
        }
      }
    }
  },
};
