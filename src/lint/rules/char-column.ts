// char-column: a column typed char(n) / character(n). It pads with spaces, compares surprisingly, and is no
// faster than text or varchar in PostgreSQL.

import { hintWithCode } from '../hint-text.ts';
import { lintable, typedColumns } from '../statement-queries.ts';
import type { Rule } from '../types.ts';

export const charColumn: Rule = {
  id: 'char-column',
  title: 'char(n) column',
  defaultSeverity: 'notice',
  dialects: ['postgresql'],
  squawk: ['ban-char-field'],
  hint: hintWithCode('Use text (with a CHECK on length if the length matters) or varchar:', `sa.Column("country_code", sa.Text(), sa.CheckConstraint("length(country_code) = 2"))`),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      for (const { table, column, type } of typedColumns(stmt)) {
        if (type.name !== 'char') continue;
        report({
          statement: stmt,
          message: `${table}.${column} is char${type.args.length ? `(${type.args[0]})` : ''}: values are blank-padded, trailing spaces are ignored in comparisons, and it is no faster than text.`,
        });
      }
    }
  },
};
