// Table constraints (primary key, unique, foreign key, check, exclusion, constraint triggers) by definition.
// NOT NULL constraints (catalogued from PostgreSQL 18) are the column's notNull and are left out here.
import type { CatalogQuery } from './catalog-query.ts';
import { bool, props, str } from './catalog-query.ts';

const TYPE: Record<string, string> = {
  p: 'primary key', u: 'unique', f: 'foreign key', c: 'check', x: 'exclusion', t: 'trigger',
};

export const constraints: CatalogQuery = {
  name: 'constraints',
  sql: (ctx) => `
SELECT n.nspname AS schema, c.relname AS table, k.conname AS name, k.contype AS type,
  pg_get_constraintdef(k.oid, true) AS definition, k.convalidated AS validated,
  k.condeferrable AS deferrable, k.condeferred AS deferred,
  ${ctx.comment('pg_constraint', 'k.oid')} AS comment, ${ctx.tracked('k.conrelid', 'k.oid')}
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE ${ctx.userOid('k.oid')} AND k.conrelid <> 0 AND k.contype <> 'n' AND ${ctx.relation('n', 'c')} AND ${ctx.onlyRoots('k.conrelid')}
ORDER BY 1, 2, 3`,
  toObjects: (rows) =>
    rows.map((r) => ({
      kind: 'constraint',
      key: `${r.schema}.${r.table}.${r.name}`,
      props: props({
        type: TYPE[String(r.type)] ?? String(r.type),
        definition: str(r.definition),
        validated: bool(r.validated),
        deferrable: bool(r.deferrable),
        initiallyDeferred: bool(r.deferred),
        comment: str(r.comment),
      }),
    })),
};
