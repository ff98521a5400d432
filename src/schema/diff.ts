// Diffs two schema snapshots into an ordered list of readable changes.
// Equal snapshots give an empty list; the order is the snapshot order (kind, then key), so output is stable.

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
}

function identity(o: SchemaObject): string {
  return `${o.kind}\u0000${o.key}`;
}

function same(a: PropValue | undefined, b: PropValue | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function diffSnapshots(before: SchemaSnapshot, after: SchemaSnapshot): SchemaChange[] {
  const old = new Map(before.objects.map((o) => [identity(o), o]));
  const neu = new Map(after.objects.map((o) => [identity(o), o]));
  const changes: SchemaChange[] = [];
  for (const [id, o] of old) {
    const n = neu.get(id);
    if (!n) {
      changes.push({ change: 'removed', kind: o.kind, key: o.key });
      continue;
    }
    const props: PropChange[] = [];
    for (const prop of [...new Set([...Object.keys(o.props), ...Object.keys(n.props)])].sort()) {
      if (!same(o.props[prop], n.props[prop])) props.push({ prop, before: o.props[prop], after: n.props[prop] });
    }
    if (props.length) changes.push({ change: 'changed', kind: o.kind, key: o.key, props });
  }
  for (const [id, n] of neu) if (!old.has(id)) changes.push({ change: 'added', kind: n.kind, key: n.key });
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
