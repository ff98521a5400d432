// How volatile a column DEFAULT expression is, which decides whether ADD COLUMN rewrites the table on PostgreSQL 11+
// (a non-volatile default is stored once in the catalog; a volatile one is evaluated for every existing row).

import type { ExprInfo } from './types.ts';

/** Functions PostgreSQL marks VOLATILE that appear in column defaults. */
const VOLATILE = new Set([
  'random', 'setseed', 'gen_random_uuid', 'uuid_generate_v1', 'uuid_generate_v1mc', 'uuid_generate_v4',
  'uuid_generate_v7', 'uuidv4', 'uuidv7', 'clock_timestamp', 'timeofday', 'nextval', 'txid_current',
  'pg_current_xact_id', 'random_normal', 'gen_random_bytes',
]);

/** STABLE / IMMUTABLE functions and value keywords that are common in defaults. */
const NON_VOLATILE = new Set([
  'now', 'current_timestamp', 'current_date', 'current_time', 'localtime', 'localtimestamp', 'transaction_timestamp',
  'statement_timestamp', 'current_user', 'session_user', 'current_role', 'current_schema', 'current_catalog', 'user',
  'lower', 'upper', 'coalesce', 'concat', 'md5', 'to_jsonb', 'to_json', 'jsonb_build_object', 'json_build_object',
  'jsonb_build_array', 'json_build_array', 'array', 'timezone', 'make_interval', 'interval', 'date_trunc',
  'to_timestamp', 'cast', 'nullif', 'greatest', 'least', 'abs', 'round', 'length', 'replace', 'trim', 'btrim',
  'jsonb', 'json', 'text', 'int', 'integer', 'bigint', 'boolean', 'numeric', 'uuid', 'date', 'timestamp',
  'timestamptz', 'varchar', 'char',
]);

export type Volatility = 'constant' | 'non-volatile' | 'volatile' | 'unknown';

export function defaultVolatility(expr: ExprInfo | null): Volatility {
  if (!expr) return 'constant';
  if (expr.functions.some((f) => VOLATILE.has(f))) return 'volatile';
  if (expr.functions.length === 0) return expr.subquery ? 'unknown' : 'constant';
  if (expr.functions.every((f) => NON_VOLATILE.has(f))) return 'non-volatile';
  return 'unknown';
}

/** The functions in `expr` that make it volatile (or that we cannot vouch for). */
export function suspectFunctions(expr: ExprInfo): string[] {
  return expr.functions.filter((f) => VOLATILE.has(f) || !NON_VOLATILE.has(f));
}
