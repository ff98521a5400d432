// int-primary-key: a 32-bit (or 16-bit) integer primary key on a new table or column. It runs out at 2^31-1, and
// widening it later rewrites the table and every referencing foreign key column.

import { hintWithCode } from '../hint-text.ts';
import { lintable } from '../statement-queries.ts';
import type { ColumnDef, Rule } from '../types.ts';

const SMALL = new Set(['integer', 'smallint', 'serial', 'smallserial']);

function pkColumns(columns: ColumnDef[], tablePk: string[]): ColumnDef[] {
  return columns.filter((c) => c.primaryKey || (tablePk.length === 1 && tablePk[0] === c.name));
}

export const intPrimaryKey: Rule = {
  id: 'int-primary-key',
  title: '32-bit integer primary key',
  defaultSeverity: 'notice',
  dialects: ['postgresql'],
  squawk: ['prefer-bigint-over-int', 'prefer-bigint-over-smallint'],
  hint: hintWithCode('Use a 64-bit identity key:', `sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True)`),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      const p = stmt.parsed;
      let found: { table: string; col: ColumnDef }[] = [];
      if (p.kind === 'create-table' && !p.temporary) {
        const tablePk = p.constraints.find((c) => c.kind === 'primary-key')?.columns ?? [];
        found = pkColumns(p.columns, tablePk).map((col) => ({ table: p.table, col }));
      } else if (p.kind === 'alter-table') {
        found = p.actions.flatMap((a) => (a.kind === 'add-column' && a.column.primaryKey ? [{ table: p.table, col: a.column }] : []));
      }
      for (const { table, col } of found) {
        if (!col.type || !SMALL.has(col.type.name) || col.type.array) continue;
        report({
          statement: stmt,
          message: `${table}.${col.name} is a ${col.type.name} primary key: it runs out at ${col.type.name.startsWith('small') ? '32,767' : '2,147,483,647'}, and widening it later rewrites ${table} and every foreign key column that references it.`,
        });
      }
    }
  },
};
