// Row-level security policies: command, permissive or restrictive, roles, USING and WITH CHECK expressions.
import type { CatalogQuery } from './catalog-query.ts';
import { bool, list, props, str } from './catalog-query.ts';

const COMMAND: Record<string, string> = { r: 'SELECT', a: 'INSERT', w: 'UPDATE', d: 'DELETE', '*': 'ALL' };

export const policies: CatalogQuery = {
  name: 'policies',
  sql: (ctx) => `
SELECT n.nspname AS schema, c.relname AS table, p.polname AS name, p.polcmd AS command,
  p.polpermissive AS permissive,
  ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END
        FROM unnest(p.polroles) AS r ORDER BY 1) AS roles,
  pg_get_expr(p.polqual, p.polrelid) AS using_expr, pg_get_expr(p.polwithcheck, p.polrelid) AS check_expr,
  ${ctx.comment('pg_policy', 'p.oid')} AS comment, ${ctx.tracked('p.polrelid', 'p.oid')}
FROM pg_policy p
JOIN pg_class c ON c.oid = p.polrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE ${ctx.relation('n', 'c')} AND ${ctx.onlyRoots('p.polrelid')}
ORDER BY 1, 2, 3`,
  toObjects: (rows) =>
    rows.map((r) => ({
      kind: 'policy',
      key: `${r.schema}.${r.table}.${r.name}`,
      props: props({
        command: COMMAND[String(r.command)] ?? String(r.command),
        permissive: bool(r.permissive),
        roles: list(r.roles),
        using: str(r.using_expr),
        withCheck: str(r.check_expr),
        comment: str(r.comment),
      }),
    })),
};
