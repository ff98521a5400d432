// serial-column: serial / bigserial / smallserial columns. The sequence is a separate object with its own owner
// and permissions; identity columns are the SQL-standard replacement (SQLAlchemy emits SERIAL for an Integer
// primary key unless told to use Identity()).

import { hintWithCode } from '../hint-text.ts';
import { lintable, typedColumns } from '../statement-queries.ts';
import type { Rule } from '../types.ts';

export const serialColumn: Rule = {
  id: 'serial-column',
  title: 'serial instead of identity',
  defaultSeverity: 'notice',
  dialects: ['postgresql'],
  squawk: ['prefer-identity'],
  hint: hintWithCode('Use an identity column:', `sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True)`),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      for (const { table, column, type } of typedColumns(stmt)) {
        if (!['serial', 'bigserial', 'smallserial'].includes(type.name)) continue;
        report({
          statement: stmt,
          message: `${table}.${column} is ${type.name}: its sequence is a separate object (own permissions, dropped/copied separately); an identity column does the same job without that.`,
        });
      }
    }
  },
};
