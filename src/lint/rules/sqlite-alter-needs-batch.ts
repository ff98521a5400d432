// sqlite-alter-needs-batch: an ALTER TABLE SQLite cannot run: it only supports RENAME TABLE, RENAME COLUMN (3.25+),
// ADD COLUMN (no PRIMARY KEY/UNIQUE, constant default, NOT NULL needs a default) and DROP COLUMN (3.35+).

import { hintWithCode } from '../hint-text.ts';
import { lintable } from '../statement-queries.ts';
import type { AlterAction, Rule } from '../types.ts';

function unsupported(a: AlterAction, version: number): string | null {
  switch (a.kind) {
    case 'rename-table':
      return null;
    case 'rename-column':
      return version > 0 && version < 3025000 ? 'RENAME COLUMN needs SQLite 3.25' : null;
    case 'drop-column':
      return version > 0 && version < 3035000 ? 'DROP COLUMN needs SQLite 3.35' : null;
    case 'add-column': {
      const c = a.column;
      if (c.primaryKey) return 'a PRIMARY KEY column cannot be added';
      if (c.unique) return 'a UNIQUE column cannot be added';
      if (c.default && !c.default.constant) return 'a column with a non-constant default cannot be added';
      if (c.notNull && (!c.default || c.default.isNull)) return 'a NOT NULL column needs a non-NULL default';
      if (c.generated === 'stored') return 'a STORED generated column cannot be added';
      return null;
    }
    case 'add-constraint':
      return 'SQLite cannot add constraints to an existing table';
    case 'drop-constraint':
      return 'SQLite cannot drop constraints';
    case 'set-not-null':
    case 'drop-not-null':
    case 'set-type':
    case 'set-default':
    case 'drop-default':
      return 'SQLite has no ALTER COLUMN';
    case 'validate-constraint':
      return 'SQLite has no VALIDATE CONSTRAINT';
    case 'other':
      return `SQLite does not support ALTER TABLE ... ${a.words}`;
  }
}

export const sqliteAlterNeedsBatch: Rule = {
  id: 'sqlite-alter-needs-batch',
  title: 'ALTER TABLE that SQLite can only run in batch mode',
  defaultSeverity: 'error',
  dialects: ['sqlite'],
  hint: hintWithCode(
    "Use Alembic's batch mode, which recreates the table with the change (copy, drop, rename):",
    `
with op.batch_alter_table("users") as batch_op:
    batch_op.alter_column("email", existing_type=sa.String(255), nullable=False)
    batch_op.create_unique_constraint("uq_users_email", ["email"])

# and in env.py, so autogenerate writes batch operations for SQLite:
#     context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)`,
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      const p = stmt.parsed;
      if (p.kind !== 'alter-table') continue;
      const problems = p.actions.map((a) => unsupported(a, ctx.serverVersionNum)).filter((x): x is string => x !== null);
      if (problems.length === 0) continue;
      report({
        statement: stmt,
        message: `SQLite cannot run this ALTER TABLE on ${p.table} (${[...new Set(problems)].join('; ')}): it fails unless run through batch mode.`,
      });
    }
  },
};
