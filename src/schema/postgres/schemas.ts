// Schemas (namespaces) created by migrations, with their comment and non-default grants.
import type { CatalogQuery } from './catalog-query.ts';
import { props, sortedList, str } from './catalog-query.ts';

export const schemas: CatalogQuery = {
  name: 'schemas',
  sql: (ctx) => `
SELECT n.nspname AS name, ${ctx.comment('pg_namespace', 'n.oid')} AS comment,
  ${ctx.acl('n.nspacl', 'n', 'n.nspowner')} AS acl, ${ctx.tracked('n.oid', 'n.oid')}
FROM pg_namespace n
WHERE ${ctx.namespace('n')} AND ${ctx.notExtensionMember('pg_namespace', 'n.oid')} AND ${ctx.onlyRoots('n.oid')}
ORDER BY 1`,
  toObjects: (rows) =>
    rows.map((r) => ({
      kind: 'schema',
      key: String(r.name),
      props: props({ comment: str(r.comment), grants: sortedList(r.acl) }),
    })),
};
