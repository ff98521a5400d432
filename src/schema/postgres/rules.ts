// Rewrite rules (CREATE RULE), by pg_get_ruledef; the _RETURN rules behind views are the views themselves.
import type { CatalogQuery } from './catalog-query.ts';
import { props, str } from './catalog-query.ts';

const ENABLED: Record<string, string> = { O: 'origin', D: 'disabled', R: 'replica', A: 'always' };

export const rules: CatalogQuery = {
  name: 'rules',
  sql: (ctx) => `
SELECT n.nspname AS schema, c.relname AS table, r.rulename AS name, pg_get_ruledef(r.oid, true) AS definition,
  r.ev_enabled AS enabled, ${ctx.comment('pg_rewrite', 'r.oid')} AS comment, ${ctx.tracked('r.ev_class', 'r.oid')}
FROM pg_rewrite r
JOIN pg_class c ON c.oid = r.ev_class
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE r.rulename <> '_RETURN' AND ${ctx.relation('n', 'c')} AND ${ctx.onlyRoots('r.ev_class')}
ORDER BY 1, 2, 3`,
  toObjects: (rows) =>
    rows.map((r) => ({
      kind: 'rule',
      key: `${r.schema}.${r.table}.${r.name}`,
      props: props({
        definition: str(r.definition),
        enabled: ENABLED[String(r.enabled)] ?? String(r.enabled),
        comment: str(r.comment),
      }),
    })),
};
