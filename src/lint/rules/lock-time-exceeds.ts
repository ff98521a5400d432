// lock-time-exceeds: a statement whose lock time, measured per row on generated rows and estimated at the table's
// production size (table-sizes, or a drift report's statistics), exceeds max-lock-seconds. PostgreSQL only.
// Emitted after lint by checks/lock-time.ts, which also applies its ignore directives.

import { hintWithCode } from '../hint-text.ts';
import type { Rule } from '../types.ts';

export const lockTimeExceeds: Rule = {
  id: 'lock-time-exceeds',
  title: 'Lock held longer than max-lock-seconds at production size',
  defaultSeverity: 'error',
  dialects: ['postgresql'],
  engine: true,
  external: true,
  hint: hintWithCode(
    'At this table size the statement blocks the table for longer than max-lock-seconds allows. Do the change without the long lock: build indexes CONCURRENTLY, add constraints NOT VALID and VALIDATE them later, add a CHECK (col IS NOT NULL) NOT VALID before SET NOT NULL, or expand and contract (a new column, a batched backfill, then switch) instead of a rewriting type change.',
    `
# instead of op.alter_column("users", "age", type_=sa.BigInteger()) on a large table:
op.add_column("users", sa.Column("age_new", sa.BigInteger(), nullable=True))
# backfill in batches (a later migration or a job), switch reads and writes, then drop the old column`,
  ),
  check() {},
};
