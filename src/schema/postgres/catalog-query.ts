// What one per-kind catalog query is (SQL text built from the snapshot's filters + a row mapper), and those filters.
// Every query runs with search_path = pg_catalog, so every user object in the output is schema-qualified.

import type { PropValue, SchemaObject } from '../snapshot.ts';

export type Row = Record<string, unknown>;

export interface SnapshotFilters {
  /** Only these schemas; all non-system schemas when empty. */
  schemas: string[];
  /** Tables left out with everything on them: `alembic_version` (any schema) or `schema.table`. */
  excludeTables: string[];
  serverVersionNum: number;
  /** Only the objects of the roots given as the statement's parameter $1 (oid[]): a partial snapshot. */
  roots?: boolean;
}

export interface CatalogQuery {
  /** Which part of the snapshot this is, for errors and timings. */
  name: string;
  sql(ctx: SqlContext): string;
  toObjects(rows: Row[]): SchemaObject[];
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function textArray(values: string[]): string {
  return `ARRAY[${values.map(literal).join(', ')}]::text[]`;
}

export class SqlContext {
  constructor(readonly filters: SnapshotFilters) {}

  get serverVersionNum(): number {
    return this.filters.serverVersionNum;
  }

  /** Two bookkeeping columns for partial snapshots (the driver's snapshots_pg.py): `_root`, the object everything
   * in the row is re-read with (the table of a column, index, constraint, trigger; the type, function, schema
   * itself), and `_oid`, the row's own object when it can be dropped alone (an index, a trigger), so a drop finds
   * its root. Objects ignore them (toObjects reads named fields). */
  tracked(root: string, own = 'NULL::oid'): string {
    return `${root} AS _root, ${own} AS _oid`;
  }

  /** With `roots`: only rows whose root is in $1. Every root expression is an indexed catalog column. `same` are
   * expressions the query's joins make equal to the root (the table's `c.oid`): said too, they let a generic plan
   * start from the few roots on an index instead of range-scanning every user relation and filtering (a partial
   * read then costs what the roots hold, not what the schema holds). */
  onlyRoots(root: string, ...same: string[]): string {
    return this.filters.roots ? [root, ...same].map((e) => `${e} = ANY ($1::oid[])`).join(' AND ') : 'true';
  }

  /** A user schema: not pg_catalog/information_schema/pg_toast/pg_temp_*, and within the requested ones. */
  namespace(n: string): string {
    const s = this.filters.schemas;
    if (s.length) return `${n}.nspname = ANY(${textArray(s)})`;
    return `${n}.nspname <> 'information_schema' AND ${n}.nspname !~ '^pg_'`;
  }

  /** A relation in a user schema, not excluded, and not a member of an extension. */
  relation(n: string, c: string): string {
    const bare = this.filters.excludeTables.filter((t) => !t.includes('.'));
    const qualified = this.filters.excludeTables.filter((t) => t.includes('.'));
    const parts = [this.userOid(`${c}.oid`), this.namespace(n), this.notExtensionMember('pg_class', `${c}.oid`)];
    if (bare.length) parts.push(`NOT ${c}.relname = ANY(${textArray(bare)})`);
    if (qualified.length) parts.push(`NOT (${n}.nspname || '.' || ${c}.relname) = ANY(${textArray(qualified)})`);
    return parts.join(' AND ');
  }

  /** Every object created after initdb has an OID of at least FirstNormalObjectId (16384), wraparound included.
   * Said explicitly, it lets the planner range-scan the catalogs' OID indexes instead of reading every system row:
   * that halves a snapshot, and the stairway takes two per revision. Redundant with the schema filter otherwise. */
  userOid(expr: string): string {
    return `${expr} >= 16384`;
  }

  /** Objects created by CREATE EXTENSION belong to the extension, not to the migrations. */
  notExtensionMember(catalog: string, oid: string): string {
    return `NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '${catalog}'::regclass AND e.objid = ${oid} AND e.deptype = 'e')`;
  }

  /** The object's comment (pg_description), or NULL. */
  comment(catalog: string, oid: string, subId = '0'): string {
    return `(SELECT d.description FROM pg_description d WHERE d.classoid = '${catalog}'::regclass AND d.objoid = ${oid} AND d.objsubid = ${subId})`;
  }

  /** A collation's qualified name (regcollation only exists from PostgreSQL 13). */
  collation(oid: string): string {
    return `(SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname) FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = ${oid})`;
  }

  /** Grants that differ from the owner's defaults, as text (NULL when there are none). */
  acl(column: string, kind: string, owner: string): string {
    return `CASE WHEN ${column} IS NULL OR ${column} = acldefault('${kind}', ${owner}) THEN NULL ELSE ${column}::text[] END`;
  }
}

export function str(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

export function bool(v: unknown): boolean {
  return v === true || v === 't';
}

/** A text[] column as a sorted list (for sets such as grants and options). */
export function sortedList(v: unknown): string[] | null {
  if (v === null || v === undefined) return null;
  return [...(v as string[])].map(String).sort();
}

/** A text[] column in its own order (for sequences such as enum labels). */
export function list(v: unknown): string[] {
  return v === null || v === undefined ? [] : (v as unknown[]).map(String);
}

/** Leaves out null/empty props so snapshots stay short and adding a prop does not change existing objects. */
export function props(p: Record<string, PropValue | undefined>): Record<string, PropValue> {
  const out: Record<string, PropValue> = {};
  for (const [k, v] of Object.entries(p)) {
    if (v === null || v === undefined) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out;
}
