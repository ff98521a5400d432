// mixed-schema-and-data: one revision both changes the schema and changes data in existing tables. Data
// migrations are slow, hard to reverse and often need batching: keep them in a revision of their own.

import { hintWithCode } from '../hint-text.ts';
import { at, existingTable, lintable } from '../statement-queries.ts';
import type { LintStatement, Rule } from '../types.ts';

const SCHEMA_KINDS = new Set(['create-table', 'alter-table', 'create-index', 'drop-index', 'drop-table', 'create-type', 'alter-type']);

export const mixedSchemaAndData: Rule = {
  id: 'mixed-schema-and-data',
  title: 'Schema and data changes in one revision',
  defaultSeverity: 'notice',
  dialects: ['postgresql', 'sqlite'],
  hint: hintWithCode(
    'Split the revision: schema change first, the data change in the next revision (then it can be batched, retried and reviewed on its own).',
    `
# revision A: op.add_column("users", sa.Column("plan", sa.Text(), nullable=True))
# revision B (down_revision = A): the backfill, in batches
# revision C (down_revision = B): op.alter_column("users", "plan", nullable=False)`,
  ),
  check(ctx, report) {
    let schema: LintStatement | null = null;
    let data: LintStatement | null = null;
    for (const stmt of lintable(ctx)) {
      const p = stmt.parsed;
      if (SCHEMA_KINDS.has(p.kind)) schema ??= stmt;
      if ((p.kind === 'update' || p.kind === 'delete' || p.kind === 'insert') && existingTable(ctx, stmt, p.table)) {
        // SQLite batch mode copies rows into its temporary table: that is Alembic's schema change, not data.
        if (!p.table.startsWith('_alembic_tmp_')) data ??= stmt;
      }
    }
    if (!schema || !data) return;
    report({
      statement: data,
      message: `This revision changes data here and the schema at ${at(schema)}: keep data migrations in a revision of their own.`,
      evidence: { schemaChangeAt: at(schema) },
    });
  },
};
