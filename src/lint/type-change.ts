// Whether `ALTER COLUMN ... TYPE` rewrites the table, judged from the old and new types when no facts exist:
// PostgreSQL skips the rewrite only for binary-coercible changes that cannot invalidate existing values.

import type { TypeRef } from './types.ts';

export type RewriteVerdict = { verdict: 'no-rewrite' | 'rewrite' | 'unknown'; why: string };

const TEXTUAL = new Set(['varchar', 'text']);

export function typeChangeVerdict(from: TypeRef | null, to: TypeRef | null, serverVersionNum: number): RewriteVerdict {
  if (!to) return { verdict: 'unknown', why: 'the new type could not be read' };
  if (!from) return { verdict: 'unknown', why: "the column's previous type is not known from the migrations linted" };
  if (from.array !== to.array) return { verdict: 'rewrite', why: 'array-ness changes' };
  const widens = (a: number | undefined, b: number | undefined) => b === undefined || (a !== undefined && b >= a);
  if (from.name === to.name) {
    if (from.name === 'varchar' || from.name === 'varbit') {
      return widens(from.args[0], to.args[0])
        ? { verdict: 'no-rewrite', why: `${from.name} is only widened` }
        : { verdict: 'rewrite', why: `${from.name} is shortened: every value must be checked and rewritten` };
    }
    if (from.name === 'numeric') {
      if (to.args.length === 0) return { verdict: 'no-rewrite', why: 'numeric loses its precision limit' };
      if (from.args.length > 0 && widens(from.args[0], to.args[0]) && (from.args[1] ?? 0) === (to.args[1] ?? 0)) {
        return { verdict: 'no-rewrite', why: 'numeric precision grows with the same scale' };
      }
      return { verdict: 'rewrite', why: 'numeric precision or scale changes' };
    }
    if (['timestamp', 'timestamptz', 'time', 'timetz', 'interval'].includes(from.name)) {
      return widens(from.args[0], to.args[0])
        ? { verdict: 'no-rewrite', why: 'fractional-second precision is only increased' }
        : { verdict: 'rewrite', why: 'fractional-second precision is reduced' };
    }
    if (from.args.join(',') === to.args.join(',')) return { verdict: 'no-rewrite', why: 'the type does not change' };
    return { verdict: 'rewrite', why: `${from.name} modifiers change` };
  }
  if (TEXTUAL.has(from.name) && to.name === 'text') return { verdict: 'no-rewrite', why: `${from.name} → text is binary-coercible` };
  if (from.name === 'text' && to.name === 'varchar' && to.args.length === 0) {
    return { verdict: 'no-rewrite', why: 'text → varchar without a limit is binary-coercible' };
  }
  if (from.name === 'cidr' && to.name === 'inet') return { verdict: 'no-rewrite', why: 'cidr → inet is binary-coercible' };
  if (from.name === 'timestamp' && to.name === 'timestamptz') {
    return serverVersionNum >= 120000
      ? { verdict: 'unknown', why: 'timestamp → timestamptz skips the rewrite on PostgreSQL 12+ only when the session time zone is UTC' }
      : { verdict: 'rewrite', why: 'timestamp → timestamptz rewrites before PostgreSQL 12' };
  }
  return { verdict: 'rewrite', why: `${from.name} → ${to.name} is not binary-coercible` };
}
