// Tables (plain, partitioned, foreign): partitioning, inheritance, persistence, row security, options, comment.
import type { CatalogQuery } from './catalog-query.ts';
import { bool, list, props, sortedList, str } from './catalog-query.ts';

const KIND: Record<string, string> = { r: 'table', p: 'partitioned table', f: 'foreign table' };
const PERSISTENCE: Record<string, string> = { p: 'permanent', u: 'unlogged', t: 'temporary' };
const REPLICA_IDENTITY: Record<string, string> = { d: 'default', n: 'nothing', f: 'full', i: 'index' };

export const tables: CatalogQuery = {
  name: 'tables',
  sql: (ctx) => `
SELECT n.nspname AS schema, c.relname AS name, c.relkind AS relkind, c.relpersistence AS persistence,
  CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
  CASE WHEN c.relispartition THEN (
    SELECT pn.nspname || '.' || pc.relname FROM pg_inherits i
    JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace
    WHERE i.inhrelid = c.oid) END AS partition_of,
  CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
  CASE WHEN NOT c.relispartition THEN ARRAY(
    SELECT pn.nspname || '.' || pc.relname FROM pg_inherits i
    JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace
    WHERE i.inhrelid = c.oid ORDER BY i.inhseqno) END AS inherits,
  c.relrowsecurity AS row_security, c.relforcerowsecurity AS force_row_security,
  c.reloptions::text[] AS options, c.relreplident AS replica_identity,
  ${ctx.comment('pg_class', 'c.oid')} AS comment,
  ${ctx.acl('c.relacl', 'r', 'c.relowner')} AS acl, ${ctx.tracked('c.oid', 'c.oid')}
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'f') AND ${ctx.relation('n', 'c')} AND ${ctx.onlyRoots('c.oid')}
ORDER BY 1, 2`,
  toObjects: (rows) =>
    rows.map((r) => ({
      kind: 'table',
      key: `${r.schema}.${r.name}`,
      props: props({
        type: KIND[String(r.relkind)] ?? String(r.relkind),
        persistence: PERSISTENCE[String(r.persistence)] ?? String(r.persistence),
        partitionKey: str(r.partition_key),
        partitionOf: str(r.partition_of),
        partitionBound: str(r.partition_bound),
        inherits: list(r.inherits),
        rowSecurity: bool(r.row_security) || null,
        forceRowSecurity: bool(r.force_row_security) || null,
        options: sortedList(r.options),
        replicaIdentity: r.replica_identity === 'd' ? null : (REPLICA_IDENTITY[String(r.replica_identity)] ?? null),
        comment: str(r.comment),
        grants: sortedList(r.acl),
      }),
    })),
};
