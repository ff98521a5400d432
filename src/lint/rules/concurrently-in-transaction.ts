// concurrently-in-transaction: CREATE/DROP INDEX CONCURRENTLY or REINDEX CONCURRENTLY inside a transaction block.
// PostgreSQL refuses it ("cannot run inside a transaction block"), and Alembic wraps migrations in one.

import { hintWithCode } from '../hint-text.ts';
import { lintable } from '../statement-queries.ts';
import type { Rule } from '../types.ts';

export const concurrentlyInTransaction: Rule = {
  id: 'concurrently-in-transaction',
  title: 'CONCURRENTLY inside a transaction block',
  defaultSeverity: 'error',
  dialects: ['postgresql'],
  squawk: ['ban-concurrent-index-creation-in-transaction'],
  hint: hintWithCode(
    "Run the concurrent operation in Alembic's autocommit block, which commits the migration transaction first:",
    `
with op.get_context().autocommit_block():
    op.create_index("ix_users_email", "users", ["email"], postgresql_concurrently=True)`,
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      const p = stmt.parsed;
      const concurrent =
        ((p.kind === 'create-index' || p.kind === 'drop-index' || p.kind === 'reindex') && p.concurrently) ||
        (p.kind === 'alter-table' && p.actions.some((a) => a.kind === 'other' && /DETACH PARTITION .*CONCURRENTLY/.test(a.words)));
      if (!concurrent || !stmt.inTransaction) continue;
      const what = p.kind === 'create-index' ? 'CREATE INDEX' : p.kind === 'drop-index' ? 'DROP INDEX' : p.kind === 'reindex' ? 'REINDEX' : 'DETACH PARTITION';
      report({
        statement: stmt,
        message: `${what} CONCURRENTLY runs inside a transaction block${stmt.facts ? ' (observed)' : ' (Alembic runs each migration in one on PostgreSQL)'}: PostgreSQL rejects it with "cannot run inside a transaction block".`,
      });
    }
  },
};
