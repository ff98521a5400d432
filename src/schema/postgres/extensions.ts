// Extensions: name and schema (not the version, which depends on the server's packages, not the migrations).
import type { CatalogQuery } from './catalog-query.ts';
import { props, str } from './catalog-query.ts';

export const extensions: CatalogQuery = {
  name: 'extensions',
  sql: (ctx) => `
SELECT x.extname AS name, n.nspname AS schema, ${ctx.tracked('x.oid', 'x.oid')}
FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace
WHERE ${ctx.onlyRoots('x.oid')}
ORDER BY 1`,
  toObjects: (rows) =>
    rows.map((r) => ({ kind: 'extension', key: String(r.name), props: props({ schema: str(r.schema) }) })),
};
