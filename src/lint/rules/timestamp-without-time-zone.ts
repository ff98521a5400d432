// timestamp-without-time-zone: a column typed `timestamp` (without time zone). It stores wall-clock time with no
// offset, so values written from different time zones (or across DST changes) cannot be compared reliably.

import { hintWithCode } from '../hint-text.ts';
import { lintable, typedColumns } from '../statement-queries.ts';
import type { Rule } from '../types.ts';

export const timestampWithoutTimeZone: Rule = {
  id: 'timestamp-without-time-zone',
  title: 'timestamp without time zone',
  defaultSeverity: 'notice',
  dialects: ['postgresql'],
  squawk: ['prefer-timestamptz', 'prefer-timestamp-tz'],
  hint: hintWithCode('Use timestamptz (an absolute instant):', `sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now())`),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      for (const { table, column, type } of typedColumns(stmt)) {
        if (type.name !== 'timestamp') continue;
        report({
          statement: stmt,
          message: `${table}.${column} is timestamp without time zone: it drops the UTC offset, so times written from different zones are stored as if they were the same.`,
        });
      }
    }
  },
};
