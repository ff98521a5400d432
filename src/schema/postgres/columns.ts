// Table columns: type, nullability, default, identity, generated expression, collation and storage when they
// differ from the type's, column grants, a statistics target, comment. Position is left out: PostgreSQL cannot put a re-added column back in place,
// so a downgrade that restores a dropped column would otherwise never round-trip.
import type { CatalogQuery } from './catalog-query.ts';
import { sortedList, bool, props, str } from './catalog-query.ts';

const IDENTITY: Record<string, string> = { a: 'always', d: 'by default' };
const GENERATED: Record<string, string> = { s: 'stored', v: 'virtual' };
const STORAGE: Record<string, string> = { p: 'plain', e: 'external', m: 'main', x: 'extended' };

export const columns: CatalogQuery = {
  name: 'columns',
  sql: (ctx) => {
    // attgenerated appeared in PostgreSQL 12.
    const generated = ctx.serverVersionNum >= 120000 ? 'a.attgenerated' : "''::text";
    return `
SELECT n.nspname AS schema, c.relname AS table, a.attname AS name,
  format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
  pg_get_expr(ad.adbin, ad.adrelid) AS expression, ${generated} AS generated, a.attidentity AS identity,
  CASE WHEN a.attcollation <> t.typcollation THEN ${ctx.collation('a.attcollation')} END AS collation,
  CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage END AS storage,
  CASE WHEN a.attacl IS NULL THEN NULL ELSE a.attacl::text[] END AS acl,
  CASE WHEN a.attstattarget >= 0 THEN a.attstattarget END AS statistics,
  ${ctx.comment('pg_class', 'c.oid', 'a.attnum')} AS comment, ${ctx.tracked('c.oid')}
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
WHERE ${ctx.userOid('a.attrelid')} AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'f') AND ${ctx.relation('n', 'c')} AND ${ctx.onlyRoots('a.attrelid')}
ORDER BY 1, 2, 3`;
  },
  toObjects: (rows) =>
    rows.map((r) => {
      const generated = GENERATED[String(r.generated)] ?? null;
      return {
        kind: 'column',
        key: `${r.schema}.${r.table}.${r.name}`,
        props: props({
          type: str(r.type),
          notNull: bool(r.not_null),
          default: generated ? null : str(r.expression),
          identity: IDENTITY[String(r.identity)] ?? null,
          generated: generated ? `${generated}: ${str(r.expression)}` : null,
          collation: str(r.collation),
          storage: r.storage ? (STORAGE[String(r.storage)] ?? String(r.storage)) : null,
          comment: str(r.comment),
          grants: r.acl ? sortedList(r.acl) : null,
          statistics: r.statistics === null || r.statistics === undefined ? null : Number(r.statistics),
        }),
      };
    }),
};
