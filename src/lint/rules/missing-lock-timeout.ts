// missing-lock-timeout: a lock that blocks writes (SHARE or stronger) taken on an existing table with no
// lock_timeout in force. Queued behind any long transaction, it makes every later query on the table wait too.
// With facts, the timeout is the one the statement really ran with (so a timeout set in env.py counts).

import { hintWithCode } from '../hint-text.ts';
import { blocksWrites } from '../locks.ts';
import { lockTimeoutLostAt } from '../hints/locks.ts';
import { at, describeLocks, lintable } from '../statement-queries.ts';
import type { LintStatement, Rule } from '../types.ts';

export const missingLockTimeout: Rule = {
  id: 'missing-lock-timeout',
  title: 'Blocking lock taken with no lock_timeout',
  defaultSeverity: 'warning',
  dialects: ['postgresql'],
  squawk: ['require-lock-timeout', 'require-timeout-settings'],
  hint: hintWithCode(
    'Set a lock_timeout so the migration gives up (and can be retried) instead of stalling the application: at the start of upgrade(), or once for every migration on the connection env.py opens.',
    `
def upgrade():
    op.execute("SET LOCAL lock_timeout = '3s'")  # lasts until the migration's transaction commits
    ...

# or in env.py, run_migrations_online():
connectable = engine_from_config(
    config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool,
    connect_args={"options": "-c lock_timeout=3s"},  # psycopg2 / psycopg; asyncpg: server_settings={"lock_timeout": "3s"}
)`,
  ),
  check(ctx, report) {
    const offending: LintStatement[] = [];
    for (const stmt of lintable(ctx)) {
      if (stmt.lockTimeoutMs > 0) continue;
      if (!stmt.locks.some((l) => blocksWrites(l.mode))) continue;
      offending.push(stmt);
    }
    const first = offending[0];
    if (!first) return;
    const lost = lockTimeoutLostAt(first, ctx);
    const source = lost
      ? `the SET LOCAL lock_timeout at ${at(lost)} ended when its transaction committed (autocommit_block() commits before the block), so it no longer applies here`
      : first.lockTimeoutSource === 'facts'
        ? `observed: lock_timeout was ${first.facts?.lockTimeout ?? '0'} when it ran`
        : 'no SET lock_timeout runs before it in this migration';
    const more = offending.length - 1;
    report({
      statement: first,
      message: `Takes ${describeLocks(first, blocksWrites)} with no lock_timeout in force (${source}): if any transaction holds a lock on the table, this statement waits behind it and every query on the table queues behind this one.${
        more > 0 ? ` ${more} more ${more === 1 ? 'statement' : 'statements'} in this migration ${more === 1 ? 'does' : 'do'} the same.` : ''
      }`,
      details: offending.slice(1).map((s) => `${at(s)}: ${describeLocks(s, blocksWrites)}`),
      evidence: { lockTimeoutSource: first.lockTimeoutSource },
    });
  },
};
