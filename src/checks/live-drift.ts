// The `live-drift` check (nightly job): a live database against what its own migrations say it should be.
// Read-only and proven so: the session is read-only, nothing is migrated there, and the URL is never printed.

import pg from 'pg';
import type { DriftConfig } from '../config.ts';
import { maskUrl } from '../database/url.ts';
import { UserError } from '../errors.ts';
import type { CheckResult, Finding, TableSize } from '../report/model.ts';
import { diffSnapshots, describeChange, type SchemaChange } from '../schema/diff.ts';
import { snapshotPostgres } from '../schema/postgres-snapshot.ts';
import type { SchemaSnapshot } from '../schema/snapshot.ts';
import type { GraphAnalysis } from './graph.ts';
import { count } from '../report/wording.ts';

export interface LiveState {
  /** Revisions in the live alembic_version, or null when the table does not exist. */
  current: string[] | null;
  snapshot: SchemaSnapshot;
  serverVersion: string;
  /** The user tables' sizes from the statistics, for lock-time estimates of later PR checks (--table-sizes-from). */
  tableSizes: TableSize[];
}

/** User tables and their statistics: reltuples (-1: never analyzed or vacuumed, left out) and total size. */
const TABLE_SIZES_SQL = `SELECT n.nspname AS schema, c.relname AS table, c.reltuples::float8 AS rows,
  pg_total_relation_size(c.oid)::float8 AS bytes
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' AND NOT c.relispartition
  ORDER BY 1, 2`;

/** Opens a read-only session on the live database, proves it is read-only, and reads its state. */
export async function readLiveDatabase(url: string, versionTable: { name: string; schema: string | null }): Promise<LiveState> {
  const qualified = versionTable.schema ? `${versionTable.schema}.${versionTable.name}` : versionTable.name;
  const client = new pg.Client({ connectionString: url.replace(/^postgres(ql)?\+\w+:/, 'postgresql:'), options: '-c default_transaction_read_only=on' });
  client.on('error', () => {
    // Reported by the query that fails.
  });
  try {
    await client.connect();
  } catch (error) {
    throw new UserError(`cannot connect to the live database ${maskUrl(url)}: ${(error as Error).message}`, { input: 'database-url' });
  }
  try {
    const ro = await client.query<{ ro: string }>("SELECT current_setting('default_transaction_read_only') AS ro");
    if (ro.rows[0]?.ro !== 'on') throw new UserError('could not make the live database session read-only; refusing to go on', { input: 'database-url' });
    await client.query('BEGIN READ ONLY');
    const exists = await client.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [qualified]);
    let current: string[] | null = null;
    if (exists.rows[0]?.t) {
      const rows = await client.query<{ v: string }>(`SELECT version_num AS v FROM ${exists.rows[0].t} ORDER BY 1`);
      current = rows.rows.map((r) => r.v);
    }
    const version = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    const sizes = await client.query<{ schema: string; table: string; rows: number; bytes: number }>(TABLE_SIZES_SQL);
    const tableSizes = sizes.rows
      .filter((r) => r.rows >= 0 && `${r.schema}.${r.table}` !== exists.rows[0]?.t && r.table !== versionTable.name)
      .map((r) => ({ schema: r.schema, table: r.table, rows: Math.round(r.rows), bytes: Math.round(r.bytes) }));
    await client.query('COMMIT');
    const snapshot = await snapshotPostgres(client, { excludeTables: [qualified] });
    return { current, snapshot, serverVersion: version.rows[0]!.v, tableSizes };
  } finally {
    await client.end();
  }
}

export interface LiveRevisionStatus {
  findings: Finding[];
  /** The revisions to build the expected schema at, or null when that cannot be known. */
  target: string[] | null;
}

/** Where the live database stands against the code: pending migrations, a revision the code lacks, no table. */
export function liveRevisionStatus(current: string[] | null, graph: GraphAnalysis, versionTableName = 'alembic_version'): LiveRevisionStatus {
  const heads = graph.heads;
  if (current === null) {
    return {
      target: null,
      findings: [{
        code: 'live-drift/no-version-table',
        severity: 'error',
        message: `the live database has no ${versionTableName} table: it was not made by these migrations (create_all()?)`,
        hint: `If its schema matches a revision, record that without running anything: \`alembic stamp <revision>\` (for head: \`alembic stamp ${heads.join(' ')}\`). Then the nightly check compares it.`,
      }],
    };
  }
  if (current.length === 0) {
    return { target: [], findings: [{ code: 'live-drift/empty-version-table', severity: 'warning', message: 'alembic_version is empty: no migration is recorded as applied' }] };
  }
  const unknown = current.filter((r) => !graph.byId.has(r));
  if (unknown.length) {
    return {
      target: null,
      findings: unknown.map((r) => ({
        code: 'live-drift/unknown-revision',
        severity: 'error',
        message: `the live database is at revision ${r}, which is not in this code ("Can't locate revision identified by '${r}'")`,
        revision: r,
        hint: 'Deploy or pull the code that has this migration; if it was deleted, restore it. `alembic stamp` to a known revision only if you are sure the schema matches it.',
      })),
    };
  }
  const applied = new Set<string>();
  const visit = (id: string) => {
    if (applied.has(id)) return;
    applied.add(id);
    for (const d of graph.byId.get(id)?.downRevisions ?? []) visit(d);
    for (const d of graph.byId.get(id)?.dependsOn ?? []) visit(d);
  };
  current.forEach(visit);
  const pending = (graph.order ?? []).filter((id) => !applied.has(id));
  const findings: Finding[] = [];
  if (pending.length) {
    findings.push({
      code: 'live-drift/pending-migrations',
      severity: 'warning',
      message: `the live database is at revision ${current.join(', ')}, head is ${heads.join(', ')}: ${count(pending.length, 'migration')} pending ("Target database is not up to date")`,
      details: pending.map((id) => `${id} ${graph.byId.get(id)?.file ?? ''}`),
      hint: 'Run `alembic upgrade head` as part of the deployment.',
    });
  }
  return { target: current, findings };
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/** Whether a change concerns an ignored schema or table (keys are `schema.table[.rest]`). */
export function isIgnored(change: SchemaChange, cfg: DriftConfig): boolean {
  const [schema, table] = change.key.split('.');
  if (schema && cfg.ignoreSchemas.includes(schema)) return true;
  return cfg.ignoreTables.some((pattern) => {
    const re = globToRegExp(pattern);
    return pattern.includes('.') ? re.test(`${schema}.${table}`) : re.test(table ?? '');
  });
}

const WHERE = {
  added: 'exists in the live database but no migration creates it (made by hand?)',
  removed: 'is created by the migrations but is missing from the live database (dropped by hand?)',
  changed: 'differs between the live database and the migrations',
} as const;

/** Grants are the environment's, not the migrations': a live database has its app and read-only roles, which the
 * throwaway database does not. They are left out of live drift (the stairway still compares them). */
function withoutGrants(snapshot: SchemaSnapshot): SchemaSnapshot {
  return {
    ...snapshot,
    objects: snapshot.objects.map((o) => {
      if (!('grants' in o.props)) return o;
      const { grants: _grants, ...props } = o.props;
      return { ...o, props };
    }),
  };
}

export function liveDriftResult(
  status: LiveRevisionStatus,
  expected: SchemaSnapshot | null,
  live: SchemaSnapshot,
  cfg: DriftConfig,
  durationMs: number,
): CheckResult {
  const findings = [...status.findings];
  if (expected) {
    const changes = diffSnapshots(withoutGrants(expected), withoutGrants(live)).filter((c) => !isIgnored(c, cfg));
    // A table added or dropped by hand is one finding, not one more per column, index and constraint on it.
    const wholeTables = new Set(changes.filter((c) => c.kind === 'table' && c.change !== 'changed').map((c) => c.key));
    for (const change of changes) {
      if (change.kind !== 'table' && wholeTables.has(change.key.split('.').slice(0, 2).join('.'))) continue;
      findings.push({
        code: `live-drift/${change.kind}-${change.change}`,
        severity: 'error',
        message: `${change.kind} ${change.key} ${WHERE[change.change]}`,
        details: [describeChange(change)],
        hint: change.change === 'added'
          ? 'Write a migration that creates it (so every environment has it), or drop it from the live database.'
          : change.change === 'removed'
            ? 'Restore it in the live database, or write a migration that drops it.'
            : 'Write a migration that makes the change, or revert the manual change.',
      });
    }
  }
  return {
    id: 'live-drift',
    status: findings.some((f) => f.severity === 'error') ? 'failed' : 'passed',
    reason: expected ? undefined : 'the expected schema could not be built (see the findings)',
    durationMs,
    findings,
  };
}
