// create-index-not-concurrently: CREATE INDEX (or REINDEX) without CONCURRENTLY on a table that already existed.
// Its SHARE lock blocks every INSERT, UPDATE and DELETE on the table for the whole index build.

import { hintWithCode } from '../hint-text.ts';
import { existingTable, lintable, observedLocks } from '../statement-queries.ts';
import type { Rule } from '../types.ts';

export const createIndexNotConcurrently: Rule = {
  id: 'create-index-not-concurrently',
  title: 'Index built without CONCURRENTLY on an existing table',
  defaultSeverity: 'warning',
  dialects: ['postgresql'],
  squawk: ['require-concurrent-index-creation', 'require-concurrent-reindex'],
  hint: hintWithCode(
    'Build the index with CONCURRENTLY, outside the migration transaction (CONCURRENTLY cannot run inside one):',
    `
with op.get_context().autocommit_block():
    op.create_index(
        "ix_users_email", "users", ["email"],
        postgresql_concurrently=True,
    )
# a failed concurrent build leaves an INVALID index behind: drop it (DROP INDEX CONCURRENTLY) before retrying`,
  ),
  check(ctx, report) {
    for (const stmt of lintable(ctx)) {
      const p = stmt.parsed;
      if (p.kind === 'create-index' && !p.concurrently && existingTable(ctx, stmt, p.table)) {
        report({
          statement: stmt,
          message: `CREATE INDEX${p.name ? ` ${p.name}` : ''} on existing table ${p.table} without CONCURRENTLY: its SHARE lock blocks all writes to ${p.table} until the index is built${observedLocks(stmt)}.`,
        });
      }
      if (p.kind === 'reindex' && !p.concurrently && p.name && !stmt.newIndexes.has(p.name) && existingTable(ctx, stmt, p.name)) {
        report({
          statement: stmt,
          message: `REINDEX ${p.target} ${p.name} without CONCURRENTLY blocks writes (and, for an index, reads using it) until it finishes${observedLocks(stmt)}.`,
        });
      }
    }
  },
};
