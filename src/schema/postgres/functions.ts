// Functions, procedures and aggregates (not those of extensions), keyed by name and argument types so overloads
// stay apart; compared by the full CREATE statement pg_get_functiondef prints.
import type { CatalogQuery } from './catalog-query.ts';
import { props, sortedList, str } from './catalog-query.ts';

const KIND: Record<string, string> = { f: 'function', p: 'procedure', a: 'aggregate', w: 'window' };

export const functions: CatalogQuery = {
  name: 'functions',
  sql: (ctx) => {
    // prokind appeared in PostgreSQL 11 (before: proisagg / proiswindow).
    const kind = ctx.serverVersionNum >= 110000
      ? 'p.prokind'
      : "CASE WHEN p.proisagg THEN 'a' WHEN p.proiswindow THEN 'w' ELSE 'f' END";
    return `
SELECT n.nspname AS schema, p.proname AS name, pg_get_function_identity_arguments(p.oid) AS args,
  ${kind} AS kind,
  CASE WHEN ${kind} <> 'a' THEN pg_get_functiondef(p.oid) END AS definition,
  CASE WHEN ${kind} = 'a' THEN (
    SELECT 'SFUNC ' || g.aggtransfn::regproc::text || ' STYPE ' || format_type(g.aggtranstype, NULL)
      || coalesce(' FINALFUNC ' || nullif(g.aggfinalfn, 0)::regproc::text, '')
      || coalesce(' INITCOND ' || quote_literal(g.agginitval), '')
    FROM pg_aggregate g WHERE g.aggfnoid = p.oid) END AS aggregate,
  ${ctx.comment('pg_proc', 'p.oid')} AS comment,
  ${ctx.acl('p.proacl', 'f', 'p.proowner')} AS acl, ${ctx.tracked('p.oid', 'p.oid')}
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE ${ctx.userOid('p.oid')} AND ${ctx.namespace('n')} AND ${ctx.notExtensionMember('pg_proc', 'p.oid')} AND ${ctx.onlyRoots('p.oid')}
ORDER BY 1, 2, 3`;
  },
  toObjects: (rows) =>
    rows.map((r) => ({
      kind: 'function',
      key: `${r.schema}.${r.name}(${r.args})`,
      props: props({
        type: KIND[String(r.kind)] ?? String(r.kind),
        definition: str(r.definition) ?? str(r.aggregate),
        comment: str(r.comment),
        grants: sortedList(r.acl),
      }),
    })),
};
