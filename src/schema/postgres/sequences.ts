// Sequences: data type, start/increment/bounds/cache/cycle and the column owning them (serial and identity).
// Current values are data, not schema, and are left out.
import type { CatalogQuery } from './catalog-query.ts';
import { bool, props, sortedList, str } from './catalog-query.ts';

export const sequences: CatalogQuery = {
  name: 'sequences',
  sql: (ctx) => `
SELECT n.nspname AS schema, c.relname AS name, format_type(s.seqtypid, NULL) AS type,
  s.seqstart::text AS start, s.seqincrement::text AS increment, s.seqmin::text AS min, s.seqmax::text AS max,
  s.seqcache::text AS cache, s.seqcycle AS cycle, c.relpersistence AS persistence,
  (SELECT rn.nspname || '.' || rc.relname || '.' || a.attname
   FROM pg_depend dep
   JOIN pg_class rc ON rc.oid = dep.refobjid
   JOIN pg_namespace rn ON rn.oid = rc.relnamespace
   JOIN pg_attribute a ON a.attrelid = dep.refobjid AND a.attnum = dep.refobjsubid
   WHERE dep.classid = 'pg_class'::regclass AND dep.objid = c.oid AND dep.refclassid = 'pg_class'::regclass
     AND dep.deptype IN ('a', 'i')
   LIMIT 1) AS owned_by,
  ${ctx.comment('pg_class', 'c.oid')} AS comment,
  ${ctx.acl('c.relacl', 's', 'c.relowner')} AS acl, ${ctx.tracked('c.oid', 'c.oid')}
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE ${ctx.relation('n', 'c')} AND ${ctx.onlyRoots('s.seqrelid')}
ORDER BY 1, 2`,
  toObjects: (rows) =>
    rows.map((r) => ({
      kind: 'sequence',
      key: `${r.schema}.${r.name}`,
      props: props({
        type: str(r.type),
        start: str(r.start),
        increment: str(r.increment),
        min: str(r.min),
        max: str(r.max),
        cache: str(r.cache),
        cycle: bool(r.cycle),
        unlogged: r.persistence === 'u' ? true : null,
        ownedBy: str(r.owned_by),
        comment: str(r.comment),
        grants: sortedList(r.acl),
      }),
    })),
};
