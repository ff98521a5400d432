// Takes a PostgreSQL schema snapshot from the catalogs: one query per object kind (src/schema/postgres/), all sent
// as one multi-statement string in one read-only transaction, so a snapshot is one round trip and consistent.

import pg from 'pg';
import { InternalError, UserError } from '../errors.ts';
import { maskUrl } from '../database/url.ts';
import { sortObjects, type SchemaObject, type SchemaSnapshot } from './snapshot.ts';
import { SqlContext, type CatalogQuery, type Row } from './postgres/catalog-query.ts';
import { columns } from './postgres/columns.ts';
import { constraints } from './postgres/constraints.ts';
import { extensions } from './postgres/extensions.ts';
import { functions } from './postgres/functions.ts';
import { indexes } from './postgres/indexes.ts';
import { policies } from './postgres/policies.ts';
import { rules } from './postgres/rules.ts';
import { schemas } from './postgres/schemas.ts';
import { sequences } from './postgres/sequences.ts';
import { tables } from './postgres/tables.ts';
import { triggers } from './postgres/triggers.ts';
import { types } from './postgres/types.ts';
import { views } from './postgres/views.ts';

export const CATALOG_QUERIES: readonly CatalogQuery[] = [
  extensions, schemas, types, sequences, tables, columns, constraints, indexes, views, functions, triggers,
  policies, rules,
];

export interface PostgresSnapshotOptions {
  /** Only these schemas (default: every schema that is not a system one). */
  schemas?: string[];
  /** Tables to leave out with their columns, indexes, constraints... (default ['alembic_version']);
   * a bare name matches in any schema, `schema.table` only there. */
  excludeTables?: string[];
  /** Only the objects of the roots passed as $1 (oid[]): the driver's partial snapshots. */
  roots?: boolean;
}

const MIN_VERSION = 100000;
const versions = new WeakMap<pg.Client, number>();

async function serverVersionNum(client: pg.Client): Promise<number> {
  let v = versions.get(client);
  if (v === undefined) {
    const r = await client.query<{ n: string }>("SELECT current_setting('server_version_num') AS n");
    v = Number(r.rows[0]!.n);
    versions.set(client, v);
  }
  return v;
}

/** One catalog query wrapped to return its rows as one JSON text: the same text whichever client runs it (node-pg
 * here, the Python driver during a walk), so snapshots taken either way compare equal. */
function asJson(sql: string): string {
  return `SELECT coalesce(json_agg(q), '[]')::text AS rows FROM (${sql.trim()}) q`;
}

/** The per-kind queries of one snapshot, to run in order with search_path = pg_catalog (each returns one row,
 * one text column). */
export function snapshotQueries(serverVersionNum: number, opts: PostgresSnapshotOptions = {}): string[] {
  if (serverVersionNum < MIN_VERSION) {
    throw new UserError(`PostgreSQL ${serverVersionNum} is too old: schema snapshots need PostgreSQL 10 or newer`);
  }
  const ctx = new SqlContext({
    schemas: opts.schemas ?? [],
    excludeTables: opts.excludeTables ?? ['alembic_version'],
    serverVersionNum,
    roots: opts.roots ?? false,
  });
  return CATALOG_QUERIES.map((q) => asJson(q.sql(ctx)));
}

/** The snapshot from the texts snapshotQueries() returned, in the same order. */
export function snapshotFromTexts(texts: string[]): SchemaSnapshot {
  if (texts.length !== CATALOG_QUERIES.length) {
    throw new InternalError(`schema snapshot: ${texts.length} results for ${CATALOG_QUERIES.length} queries`);
  }
  const objects: SchemaObject[] = [];
  CATALOG_QUERIES.forEach((q, i) => objects.push(...q.toObjects(JSON.parse(texts[i]!) as Row[])));
  return { dialect: 'postgresql', objects: sortObjects(objects) };
}

/** What runs before the catalog queries (each statement one result, skipped when the results are read). */
const SNAPSHOT_PROLOGUE = [
  'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
  // With only pg_catalog on the path, deparsed definitions name every user object with its schema.
  'SET LOCAL search_path = pg_catalog',
  // No JIT: a server's default (jit = on) compiles these catalog queries once the estimates of a grown schema pass
  // jit_above_cost, which costs ten times the read.
  'SET LOCAL jit = off',
];

/** The SQL of one snapshot: every catalog query between BEGIN READ ONLY and COMMIT. */
export function snapshotSql(queries: string[]): string {
  const parts = [
    ...SNAPSHOT_PROLOGUE,
    // With only pg_catalog on the path, deparsed definitions name every user object with its schema.
    ...queries,
    'COMMIT',
  ];
  return `${parts.join(';\n')};`;
}

async function run(client: pg.Client, opts: PostgresSnapshotOptions): Promise<SchemaSnapshot> {
  const queries = snapshotQueries(await serverVersionNum(client), opts);
  let results: pg.QueryResult<{ rows: string }>[];
  try {
    // A query string without parameters goes through the simple protocol, which may hold many statements.
    results = (await client.query(snapshotSql(queries))) as unknown as pg.QueryResult<{ rows: string }>[];
  } catch (error) {
    // The failed statement left the transaction open and aborted: close it so the client stays usable.
    const rollback = await client.query('ROLLBACK').then(
      () => '',
      (rollbackError: Error) => `; ROLLBACK failed too: ${rollbackError.message}`,
    );
    throw new InternalError(`schema snapshot query failed: ${(error as Error).message}${rollback}`, { cause: error });
  }
  // Results: the prologue's, one per catalog query, COMMIT.
  return snapshotFromTexts(queries.map((_, i) => {
    const text = results[i + SNAPSHOT_PROLOGUE.length]?.rows[0]?.rows;
    if (text === undefined) throw new InternalError(`schema snapshot: no result for ${CATALOG_QUERIES[i]!.name}`);
    return text;
  }));
}

/**
 * A snapshot of the database `target` is connected to (or names). A client must be idle (not inside a transaction:
 * the snapshot runs its own BEGIN ... COMMIT); its session is otherwise untouched, as the search_path change is
 * transaction-local. A connection string gets its own short connection.
 */
export async function snapshotPostgres(
  target: pg.Client | string,
  opts: PostgresSnapshotOptions = {},
): Promise<SchemaSnapshot> {
  if (typeof target !== 'string') return run(target, opts);
  const client = new pg.Client({ connectionString: target });
  client.on('error', () => {
    // Surfaced by the failing query instead.
  });
  try {
    await client.connect();
  } catch (error) {
    throw new UserError(`cannot connect to ${maskUrl(target)}: ${(error as Error).message}`);
  }
  try {
    return await run(client, opts);
  } finally {
    await client.end();
  }
}
