// Views and materialized views by their deparsed definition (pg_get_viewdef), options, grants and comment.
import type { CatalogQuery } from './catalog-query.ts';
import { bool, props, sortedList, str } from './catalog-query.ts';

export const views: CatalogQuery = {
  name: 'views',
  sql: (ctx) => `
SELECT n.nspname AS schema, c.relname AS name, c.relkind AS relkind, pg_get_viewdef(c.oid, true) AS definition,
  c.reloptions::text[] AS options, c.relispopulated AS populated,
  ${ctx.comment('pg_class', 'c.oid')} AS comment,
  ${ctx.acl('c.relacl', 'r', 'c.relowner')} AS acl, ${ctx.tracked('c.oid', 'c.oid')}
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm') AND ${ctx.relation('n', 'c')} AND ${ctx.onlyRoots('c.oid')}
ORDER BY 1, 2`,
  toObjects: (rows) =>
    rows.map((r) => ({
      kind: r.relkind === 'm' ? 'materialized-view' : 'view',
      key: `${r.schema}.${r.name}`,
      props: props({
        definition: str(r.definition),
        options: sortedList(r.options),
        populated: r.relkind === 'm' ? bool(r.populated) : null,
        comment: str(r.comment),
        grants: sortedList(r.acl),
      }),
    })),
};
