// User-defined types: enums (labels in order), composite and range types, base types, and domains (with checks).
// Array types, table row types and multiranges are implied by other objects and left out.
import type { SchemaObject } from '../snapshot.ts';
import type { CatalogQuery } from './catalog-query.ts';
import { bool, list, props, sortedList, str } from './catalog-query.ts';

export const types: CatalogQuery = {
  name: 'types',
  sql: (ctx) => `
SELECT n.nspname AS schema, t.typname AS name, t.typtype AS typtype,
  CASE WHEN t.typtype = 'e' THEN ARRAY(
    SELECT l.enumlabel::text FROM pg_enum l WHERE l.enumtypid = t.oid ORDER BY l.enumsortorder) END AS labels,
  CASE WHEN t.typtype = 'c' THEN ARRAY(
    SELECT quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)
      || CASE WHEN a.attcollation <> 0 AND a.attcollation <> at.typcollation
           THEN ' COLLATE ' || ${ctx.collation('a.attcollation')} ELSE '' END
    FROM pg_attribute a JOIN pg_type at ON at.oid = a.atttypid
    WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) END AS attributes,
  CASE WHEN t.typtype = 'r' THEN (
    SELECT format_type(r.rngsubtype, NULL)
      || CASE WHEN r.rngcollation <> 0 THEN ' COLLATE ' || ${ctx.collation('r.rngcollation')} ELSE '' END
      || CASE WHEN r.rngsubdiff <> 0 THEN ' SUBTYPE_DIFF ' || r.rngsubdiff::regproc::text ELSE '' END
    FROM pg_range r WHERE r.rngtypid = t.oid) END AS subtype,
  CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS base_type,
  CASE WHEN t.typtype = 'd' AND t.typcollation <> 0 AND t.typcollation <> bt.typcollation
    THEN ${ctx.collation('t.typcollation')} END AS collation,
  t.typnotnull AS not_null,
  coalesce(pg_get_expr(t.typdefaultbin, 0), t.typdefault) AS default_value,
  CASE WHEN t.typtype = 'd' THEN ARRAY(
    SELECT c.conname || ': ' || pg_get_constraintdef(c.oid, true)
    FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype <> 'n' ORDER BY c.conname) END AS checks,
  ${ctx.comment('pg_type', 't.oid')} AS comment,
  ${ctx.acl('t.typacl', 'T', 't.typowner')} AS acl, ${ctx.tracked('t.oid', 't.oid')}
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_type bt ON bt.oid = t.typbasetype
WHERE ${ctx.userOid('t.oid')} AND ${ctx.namespace('n')}
  AND t.typtype IN ('e', 'c', 'r', 'd', 'b')
  AND (t.typtype <> 'c' OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')
  AND NOT (t.typtype = 'b' AND t.oid = ANY (ARRAY(SELECT e.typarray FROM pg_type e WHERE e.oid >= 16384 AND e.typarray <> 0)))
  AND ${ctx.notExtensionMember('pg_type', 't.oid')} AND ${ctx.onlyRoots('t.oid')}
ORDER BY 1, 2`,
  toObjects: (rows) =>
    rows.map((r): SchemaObject => {
      const key = `${r.schema}.${r.name}`;
      const comment = str(r.comment);
      const grants = sortedList(r.acl);
      switch (r.typtype) {
        case 'e':
          return { kind: 'enum', key, props: props({ labels: list(r.labels), comment, grants }) };
        case 'd':
          return {
            kind: 'domain',
            key,
            props: props({
              baseType: str(r.base_type),
              notNull: bool(r.not_null),
              default: str(r.default_value),
              collation: str(r.collation),
              checks: list(r.checks),
              comment,
              grants,
            }),
          };
        case 'c':
          return { kind: 'type', key, props: props({ type: 'composite', attributes: list(r.attributes), comment, grants }) };
        case 'r':
          return { kind: 'type', key, props: props({ type: 'range', subtype: str(r.subtype), comment, grants }) };
        default:
          return { kind: 'type', key, props: props({ type: 'base', comment, grants }) };
      }
    }),
};
