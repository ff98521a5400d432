// Indexes on tables and materialized views, by pg_get_indexdef, with the flags a migration can leave behind
// (an invalid index from a failed CREATE INDEX CONCURRENTLY, CLUSTER, REPLICA IDENTITY USING INDEX).
import type { CatalogQuery } from './catalog-query.ts';
import { bool, props, str } from './catalog-query.ts';

export const indexes: CatalogQuery = {
  name: 'indexes',
  sql: (ctx) => `
SELECT n.nspname AS schema, c.relname AS table, i.relname AS name, pg_get_indexdef(x.indexrelid) AS definition,
  x.indisunique AS is_unique, x.indisprimary AS is_primary, x.indpred IS NOT NULL AS partial,
  x.indisvalid AS valid, x.indisclustered AS clustered, x.indisreplident AS replica_identity,
  (SELECT k.conname FROM pg_constraint k
   WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid AND k.contype IN ('p', 'u', 'x')
   LIMIT 1) AS constraint_name,
  ${ctx.comment('pg_class', 'i.oid')} AS comment, ${ctx.tracked('x.indrelid', 'x.indexrelid')}
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class c ON c.oid = x.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE ${ctx.userOid('x.indexrelid')} AND c.relkind IN ('r', 'p', 'm', 'f') AND ${ctx.relation('n', 'c')} AND ${ctx.onlyRoots('x.indrelid')}
ORDER BY 1, 2, 3`,
  toObjects: (rows) =>
    rows.map((r) => ({
      kind: 'index',
      key: `${r.schema}.${r.table}.${r.name}`,
      props: props({
        definition: str(r.definition),
        unique: bool(r.is_unique),
        primary: bool(r.is_primary) || null,
        partial: bool(r.partial) || null,
        valid: bool(r.valid),
        clustered: bool(r.clustered) || null,
        replicaIdentity: bool(r.replica_identity) || null,
        constraint: str(r.constraint_name),
        comment: str(r.comment),
      }),
    })),
};
