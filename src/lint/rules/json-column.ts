// json-column: a column typed json rather than jsonb. json keeps the raw text, cannot be indexed with GIN and has
// no equality operator (SELECT DISTINCT, GROUP BY and UNION fail on it).

import { hintWithCode } from '../hint-text.ts';
import { lintable, typedColumns } from '../statement-queries.ts';
import type { Rule } from '../types.ts';

export const jsonColumn: Rule = {
  id: 'json-column',
  title: 'json instead of jsonb',
  defaultSeverity: 'notice',
  dialects: ['postgresql'],
  hint: hintWithCode(
    'Use jsonb (sa.JSON maps to json on PostgreSQL):',
    `
from sqlalchemy.dialects.postgresql import JSONB
sa.Column("payload", JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb"))`,
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      for (const { table, column, type } of typedColumns(stmt)) {
        if (type.name !== 'json') continue;
        report({
          statement: stmt,
          message: `${table}.${column} is json: it has no equality operator (DISTINCT, GROUP BY, UNION fail on it) and cannot use GIN indexes; jsonb can.`,
        });
      }
    }
  },
};
