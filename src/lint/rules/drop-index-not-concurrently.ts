// drop-index-not-concurrently: DROP INDEX without CONCURRENTLY on an index that existed before the revision.
// It takes ACCESS EXCLUSIVE on the index's table: reads and writes wait, and so does everything queued behind.

import { hintWithCode } from '../hint-text.ts';
import { lintable, observedLocks } from '../statement-queries.ts';
import type { Rule } from '../types.ts';

export const dropIndexNotConcurrently: Rule = {
  id: 'drop-index-not-concurrently',
  title: 'Index dropped without CONCURRENTLY',
  defaultSeverity: 'warning',
  dialects: ['postgresql'],
  squawk: ['require-concurrent-index-deletion'],
  hint: hintWithCode(
    'Drop the index with CONCURRENTLY, outside the migration transaction:',
    `
with op.get_context().autocommit_block():
    op.drop_index("ix_users_email", table_name="users", postgresql_concurrently=True, if_exists=True)`,
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      const p = stmt.parsed;
      if (p.kind !== 'drop-index' || p.concurrently) continue;
      const existing = p.names.filter((n) => !stmt.newIndexes.has(n));
      if (existing.length === 0) continue;
      // With facts, no lock on a pre-existing relation means the index belonged to something new.
      if (stmt.facts && stmt.locks.length === 0) continue;
      report({
        statement: stmt,
        message: `DROP INDEX ${existing.join(', ')} without CONCURRENTLY takes ACCESS EXCLUSIVE on the index's table: reads and writes wait until it finishes${observedLocks(stmt)}.`,
      });
    }
  },
};
