// PostgreSQL table lock modes: their order, what they block, and the locks a statement takes when no facts were
// observed (inferred from the documentation of each command; the driver's pg_locks facts win when present).

import type { LockFact, ParsedStatement } from './types.ts';

export const LOCK_MODES = [
  'AccessShareLock',
  'RowShareLock',
  'RowExclusiveLock',
  'ShareUpdateExclusiveLock',
  'ShareLock',
  'ShareRowExclusiveLock',
  'ExclusiveLock',
  'AccessExclusiveLock',
] as const;

export type LockMode = (typeof LOCK_MODES)[number];

export function lockRank(mode: string): number {
  return (LOCK_MODES as readonly string[]).indexOf(mode);
}

/** SHARE and above conflict with ROW EXCLUSIVE: INSERT/UPDATE/DELETE wait. */
export function blocksWrites(mode: string): boolean {
  return lockRank(mode) >= lockRank('ShareLock');
}

/** Only ACCESS EXCLUSIVE conflicts with plain SELECT. */
export function blocksReads(mode: string): boolean {
  return mode === 'AccessExclusiveLock';
}

/** `AccessExclusiveLock` → `ACCESS EXCLUSIVE`. */
export function showLockMode(mode: string): string {
  return mode
    .replace(/Lock$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase();
}

/** `ACCESS EXCLUSIVE` (LOCK TABLE syntax) → `AccessExclusiveLock`. */
function modeFromWords(words: string): LockMode {
  const key = words.toUpperCase().replace(/\s+/g, ' ').trim();
  const found = LOCK_MODES.find((m) => showLockMode(m) === key);
  return found ?? 'AccessExclusiveLock';
}

/** Lower-strength ALTER TABLE subcommands (per the ALTER TABLE reference); everything else is ACCESS EXCLUSIVE. */
function alterActionLock(words: string): LockMode {
  if (/^(SET STATISTICS|ALTER COLUMN SET STATISTICS|CLUSTER ON|SET WITHOUT CLUSTER|SET \(|RESET \()/.test(words)) {
    return 'ShareUpdateExclusiveLock';
  }
  if (/^(ENABLE|DISABLE) (TRIGGER|REPLICA TRIGGER|ALWAYS TRIGGER)/.test(words)) return 'ShareRowExclusiveLock';
  return 'AccessExclusiveLock';
}

/**
 * Table locks a statement takes, inferred from its kind. Relations are unqualified names; for DROP INDEX the
 * relation is the index (its table is not named in the SQL).
 */
export function inferLocks(p: ParsedStatement): LockFact[] {
  const out: LockFact[] = [];
  const add = (relation: string, mode: LockMode) => {
    if (!relation) return;
    const existing = out.find((l) => l.relation === relation);
    if (!existing) out.push({ relation, mode });
    else if (lockRank(mode) > lockRank(existing.mode)) existing.mode = mode;
  };
  switch (p.kind) {
    case 'create-index':
      add(p.table, p.concurrently ? 'ShareUpdateExclusiveLock' : 'ShareLock');
      break;
    case 'drop-index':
      for (const name of p.names) add(name, p.concurrently ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock');
      break;
    case 'reindex':
      if (p.name) add(p.name, p.concurrently ? 'ShareUpdateExclusiveLock' : p.target === 'INDEX' ? 'AccessExclusiveLock' : 'ShareLock');
      break;
    case 'alter-table':
      for (const a of p.actions) {
        if (a.kind === 'validate-constraint') add(p.table, 'ShareUpdateExclusiveLock');
        else if (a.kind === 'add-constraint' && a.constraint.kind === 'foreign-key') {
          add(p.table, 'ShareRowExclusiveLock');
          if (a.constraint.references) add(a.constraint.references, 'ShareRowExclusiveLock');
        } else if (a.kind === 'other') add(p.table, alterActionLock(a.words));
        else {
          add(p.table, 'AccessExclusiveLock');
          if (a.kind === 'add-column' && a.column.references) add(a.column.references, 'ShareRowExclusiveLock');
        }
      }
      break;
    case 'create-table':
      for (const c of p.constraints) if (c.kind === 'foreign-key' && c.references) add(c.references, 'ShareRowExclusiveLock');
      for (const c of p.columns) if (c.references) add(c.references, 'ShareRowExclusiveLock');
      break;
    case 'drop-table':
    case 'truncate':
      for (const t of p.tables) add(t, 'AccessExclusiveLock');
      break;
    case 'lock-table':
      for (const t of p.tables) add(t, modeFromWords(p.mode));
      break;
    case 'maintenance':
      for (const t of p.tables) add(t, p.concurrently ? 'ExclusiveLock' : 'AccessExclusiveLock');
      break;
    case 'update':
    case 'delete':
    case 'insert':
      add(p.table, 'RowExclusiveLock');
      break;
  }
  return out;
}

/** lock_timeout / statement_timeout setting text → milliseconds (0 = no timeout). Null when unreadable. */
export function timeoutMs(value: string): number | null {
  const m = /^\s*'?\s*(\d+(?:\.\d+)?)\s*(ms|s|min|h|d|us)?\s*'?\s*$/i.exec(value);
  if (!m) return /^\s*'?\s*(default|0)\s*'?\s*$/i.test(value) ? 0 : null;
  const n = Number(m[1]);
  const unit = (m[2] ?? 'ms').toLowerCase();
  const factor = unit === 'us' ? 0.001 : unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'min' ? 60000 : unit === 'h' ? 3600000 : 86400000;
  return n * factor;
}
