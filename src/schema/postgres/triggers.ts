// Triggers on tables and views (not the internal ones behind foreign keys), by pg_get_triggerdef, and whether
// they are enabled.
import type { CatalogQuery } from './catalog-query.ts';
import { props, str } from './catalog-query.ts';

const ENABLED: Record<string, string> = { O: 'origin', D: 'disabled', R: 'replica', A: 'always' };

export const triggers: CatalogQuery = {
  name: 'triggers',
  sql: (ctx) => `
SELECT n.nspname AS schema, c.relname AS table, t.tgname AS name, pg_get_triggerdef(t.oid, true) AS definition,
  t.tgenabled AS enabled, ${ctx.comment('pg_trigger', 't.oid')} AS comment, ${ctx.tracked('t.tgrelid', 't.oid')}
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE ${ctx.userOid('t.oid')} AND NOT t.tgisinternal AND ${ctx.relation('n', 'c')} AND ${ctx.onlyRoots('t.tgrelid', 'c.oid')}
ORDER BY 1, 2, 3`,
  toObjects: (rows) =>
    rows.map((r) => ({
      kind: 'trigger',
      key: `${r.schema}.${r.table}.${r.name}`,
      props: props({
        definition: str(r.definition),
        enabled: ENABLED[String(r.enabled)] ?? String(r.enabled),
        comment: str(r.comment),
      }),
    })),
};
