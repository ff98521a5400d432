// How PostgreSQL names things, shared by both statement readers (sql-parser-cst and the token classifier):
// identifier folding, canonical type names, and the empty expression summary.

import type { ExprInfo, TypeRef } from './types.ts';

/** Unquoted identifiers fold to lower case; quoted ones are kept exactly. */
export function foldIdentifier(text: string, quoted: boolean): string {
  return quoted ? text : text.toLowerCase();
}

const TYPE_ALIASES: Record<string, string> = {
  int: 'integer',
  int4: 'integer',
  integer: 'integer',
  int8: 'bigint',
  bigint: 'bigint',
  int2: 'smallint',
  smallint: 'smallint',
  serial: 'serial',
  serial4: 'serial',
  bigserial: 'bigserial',
  serial8: 'bigserial',
  smallserial: 'smallserial',
  serial2: 'smallserial',
  varchar: 'varchar',
  'character varying': 'varchar',
  'char varying': 'varchar',
  nvarchar: 'varchar',
  char: 'char',
  character: 'char',
  bpchar: 'char',
  nchar: 'char',
  'national character': 'char',
  text: 'text',
  timestamp: 'timestamp',
  'timestamp without time zone': 'timestamp',
  'timestamp with time zone': 'timestamptz',
  timestamptz: 'timestamptz',
  datetime: 'timestamp',
  time: 'time',
  'time without time zone': 'time',
  'time with time zone': 'timetz',
  timetz: 'timetz',
  'double precision': 'double precision',
  float8: 'double precision',
  float: 'double precision',
  real: 'real',
  float4: 'real',
  bool: 'boolean',
  boolean: 'boolean',
  decimal: 'numeric',
  numeric: 'numeric',
  varbit: 'varbit',
  'bit varying': 'varbit',
};

/** Canonical lower-case name for a type as written (`character varying` → varchar, `int4` → integer). */
export function canonicalTypeName(written: string): string {
  const key = written.toLowerCase().replace(/\s+/g, ' ').trim();
  return TYPE_ALIASES[key] ?? key;
}

export function typeRef(written: string, args: number[] = [], array = false): TypeRef {
  return { name: canonicalTypeName(written), args, array };
}

export function emptyExpr(): ExprInfo {
  return {
    functions: [],
    keywords: [],
    columns: [],
    constant: false,
    isNull: false,
    operators: [],
    subquery: false,
    strings: [],
  };
}

/** `users`, `public.users` and `"public"."users"` all name the table `users` for our purposes. */
export function unqualified(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot === -1 ? name : name.slice(dot + 1);
}

/** Formats a TypeRef back for messages: varchar(50), numeric(10,2), integer[]. */
export function showType(t: TypeRef | null): string {
  if (!t) return 'unknown type';
  return `${t.name}${t.args.length ? `(${t.args.join(',')})` : ''}${t.array ? '[]' : ''}`;
}
