// Diffs two schema snapshots into an ordered list of readable changes.
// Equal snapshots give an empty list; the order is the snapshot order (kind, then key), so output is stable.

import { normalizeSqliteDefault, sameSqliteType } from './sqlite-storage.ts';
import { kindRank, type PropValue, type SchemaObject, type SchemaObjectKind, type SchemaSnapshot } from './snapshot.ts';

export interface PropChange {
  prop: string;
  before: PropValue | undefined;
  after: PropValue | undefined;
}

export interface SchemaChange {
  change: 'added' | 'removed' | 'changed';
  kind: SchemaObjectKind;
  key: string;
  /** For 'changed': which properties differ. */
  props?: PropChange[];
  /** The object's properties: after the change (added, changed) or before it (removed). Reports read before this
   * field was added lack it. */
  object?: Record<string, PropValue>;
}

function identity(o: SchemaObject): string {
  return `${o.kind}\u0000${o.key}`;
}

function same(a: PropValue | undefined, b: PropValue | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export interface DiffOptions {
  /**
   * 'storage': on SQLite, compare what the database stores (type affinity, default expression without extra parens),
   * not the declared text that batch mode rewrites when it copies a table (`UUID` → `NUMERIC`, `(x)` → `((x))`).
   * For "did the downgrade restore the schema". 'declared' (default) shows every textual change (the PR's diff).
   */
  compare?: 'declared' | 'storage';
}

function sameStored(kind: SchemaObjectKind, prop: string, a: PropValue | undefined, b: PropValue | undefined): boolean {
  if (kind !== 'column') return false;
  if (prop === 'type' && typeof a === 'string' && typeof b === 'string') return sameSqliteType(a, b);
  if (prop === 'default' && (typeof a === 'string' || a === null) && (typeof b === 'string' || b === null)) {
    return normalizeSqliteDefault(a) === normalizeSqliteDefault(b);
  }
  return false;
}

export function diffSnapshots(before: SchemaSnapshot, after: SchemaSnapshot, opts: DiffOptions = {}): SchemaChange[] {
  const storage = opts.compare === 'storage' && before.dialect === 'sqlite' && after.dialect === 'sqlite';
  const old = new Map(before.objects.map((o) => [identity(o), o]));
  const neu = new Map(after.objects.map((o) => [identity(o), o]));
  const changes: SchemaChange[] = [];
  for (const [id, o] of old) {
    const n = neu.get(id);
    if (!n) {
      changes.push({ change: 'removed', kind: o.kind, key: o.key, object: o.props });
      continue;
    }
    const props: PropChange[] = [];
    for (const prop of [...new Set([...Object.keys(o.props), ...Object.keys(n.props)])].sort()) {
      if (same(o.props[prop], n.props[prop]) || (storage && sameStored(o.kind, prop, o.props[prop], n.props[prop]))) continue;
      props.push({ prop, before: o.props[prop], after: n.props[prop] });
    }
    if (props.length) changes.push({ change: 'changed', kind: o.kind, key: o.key, props, object: n.props });
  }
  for (const [id, n] of neu) if (!old.has(id)) changes.push({ change: 'added', kind: n.kind, key: n.key, object: n.props });
  return changes.sort((a, b) => kindRank(a.kind) - kindRank(b.kind) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function show(v: PropValue | undefined): string {
  if (v === undefined) return '(none)';
  return Array.isArray(v) ? `[${v.join(', ')}]` : JSON.stringify(v);
}

/** One line per change, e.g. `+ index public.users.ix_users_email`, `~ column public.users.age: type "integer" → "bigint"`. */
export function describeChange(c: SchemaChange): string {
  const sign = c.change === 'added' ? '+' : c.change === 'removed' ? '-' : '~';
  const head = `${sign} ${c.kind} ${c.key}`;
  if (c.change !== 'changed' || !c.props) return head;
  return `${head}: ${c.props.map((p) => `${p.prop} ${show(p.before)} → ${show(p.after)}`).join('; ')}`;
}
