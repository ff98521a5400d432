// The report: the one interface between "checking" and "telling". Plain JSON-serialisable data.
// Versioned: a field is only ever added; a change of meaning bumps REPORT_VERSION. Documented in docs/report.md.

import type { SchemaChange } from '../schema/diff.ts';

export const REPORT_VERSION = 1;

export type Severity = 'error' | 'warning' | 'notice';
export type CheckStatus = 'passed' | 'failed' | 'skipped' | 'error';
export type CheckId =
  | 'graph'
  | 'upgrade'
  | 'roundtrip'
  | 'stairway'
  | 'data'
  | 'drift'
  | 'models-registered'
  | 'lint'
  | 'live-drift'
  | 'pr-migrations';

export interface Finding {
  /** Stable code: `graph/multiple-heads`, `stairway/downgrade-leaves-trace`, a lint rule id, ... */
  code: string;
  severity: Severity;
  message: string;
  revision?: string;
  /** Path relative to the project directory (the one holding alembic.ini). */
  file?: string;
  line?: number;
  /** What to do instead: prose, may hold a code block. */
  hint?: string;
  /** The SQL statement concerned, if any. */
  sql?: string;
  /** Further detail lines, e.g. the objects a downgrade left behind. */
  details?: string[];
  /** Facts observed on the real database (lock modes, rewritten tables, timeouts). */
  evidence?: Record<string, unknown>;
  /** When the run checked several databases: the dialects this finding holds on (absent: all of them). */
  dialects?: ('sqlite' | 'postgresql')[];
}

export interface CheckResult {
  id: CheckId;
  status: CheckStatus;
  /** Why a check was skipped or errored, in plain words. */
  reason?: string;
  durationMs: number;
  findings: Finding[];
  /** Lines about the check as a whole, shown under its status (the data check: each hand-written assertion's
   * result, passed ones too). */
  summary?: string[];
}

export interface RevisionInfo {
  revision: string;
  downRevisions: string[];
  dependsOn: string[];
  branchLabels: string[];
  file: string;
  message: string;
  isHead: boolean;
  isBase: boolean;
  isMerge: boolean;
}

export interface MigrationSql {
  revision: string;
  file: string;
  /** Offline (`--sql`) SQL of this revision's upgrade, or null when offline mode failed (see offlineError). */
  upgradeSql: string | null;
  downgradeSql: string | null;
  offlineError?: string;
}

export interface DatabaseInfo {
  provider: 'sqlite' | 'postgres-local' | 'postgres-docker' | 'postgres-url';
  dialect: 'sqlite' | 'postgresql';
  serverVersion: string;
  /** The SQLAlchemy driver env.py was given (psycopg2, psycopg, asyncpg, pg8000, pysqlite, aiosqlite) and why. */
  driver?: string;
  driverReason?: string;
}

export interface Report {
  version: typeof REPORT_VERSION;
  tool: { name: 'alembic-preflight'; version: string };
  mode: 'full' | 'pr' | 'drift';
  /** Project directory, relative to the working directory the tool was started in ('.' when the same). */
  projectDir: string;
  status: 'passed' | 'failed' | 'error';
  startedAt: string;
  durationMs: number;
  environment: {
    database?: DatabaseInfo;
    /** Every database the checks ran on, when more than one (`--database sqlite,postgres`); `database` is the first. */
    databases?: DatabaseInfo[];
    /** Why PostgreSQL was checked as well under `--database auto` (the file that names it). */
    databasesReason?: string;
    python?: string;
    alembic?: string;
    sqlalchemy?: string;
    /** Whether the Python driver ran without network (its own network namespace) or with the host's, and why. */
    containment?: { network: 'none' | 'host'; reason: string };
  };
  checks: CheckResult[];
  revisions: RevisionInfo[];
  /** Revisions new in this PR (PR mode), else empty. */
  newRevisions: string[];
  migrations: MigrationSql[];
  /** Schema change from the base revision to head (PR mode: base branch head → PR head). */
  schemaDiff: SchemaChange[];
  counts: Record<Severity, number>;
  /** Drift mode: the live database's user tables, with their size from the statistics (pg_class.reltuples,
   * pg_total_relation_size), for a PR check to read back (`--table-sizes-from`). */
  tableSizes?: TableSize[];
  /** Set when the run stopped on a user or internal error before all checks ran. */
  error?: { kind: 'user' | 'internal'; message: string; file?: string; line?: number; revision?: string };
}

export interface TableSize {
  schema: string;
  table: string;
  /** Estimated rows (pg_class.reltuples; 0 for a table never analyzed or vacuumed). */
  rows: number;
  /** pg_total_relation_size: the table with its indexes and TOAST. */
  bytes?: number;
}

export function countFindings(checks: CheckResult[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, notice: 0 };
  for (const check of checks) for (const f of check.findings) counts[f.severity]++;
  return counts;
}
