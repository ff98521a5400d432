// enum-value-position: ALTER TYPE ... ADD VALUE without BEFORE/AFTER appends the value at the end of the enum's
// sort order, which silently changes the meaning of `status < 'approved'` style comparisons and ORDER BY.

import { hintWithCode } from '../hint-text.ts';
import { lintable } from '../statement-queries.ts';
import type { Rule } from '../types.ts';

export const enumValuePosition: Rule = {
  id: 'enum-value-position',
  title: 'Enum value added without a position',
  defaultSeverity: 'notice',
  dialects: ['postgresql'],
  squawk: ['require-enum-value-ordering'],
  hint: hintWithCode(
    'Say where the value sorts:',
    `
with op.get_context().autocommit_block():
    op.execute("ALTER TYPE status ADD VALUE IF NOT EXISTS 'in_review' BEFORE 'approved'")`,
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      const p = stmt.parsed;
      if (p.kind !== 'alter-type' || !p.addValue || p.addValue.position) continue;
      report({
        statement: stmt,
        message: `ALTER TYPE ${p.name} ADD VALUE '${p.addValue.value}' has no BEFORE/AFTER: the value sorts after all existing ones, which changes ORDER BY and < / > comparisons on ${p.name}.`,
      });
    }
  },
};
