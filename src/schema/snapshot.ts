// The schema snapshot: a flat, sorted, deterministic list of every object a migration can leave behind.
// Two snapshots of the same schema are deep-equal; diff.ts turns two of them into readable changes.

export type SchemaObjectKind =
  | 'schema'
  | 'table'
  | 'column'
  | 'constraint'
  | 'index'
  | 'sequence'
  | 'enum'
  | 'type'
  | 'domain'
  | 'view'
  | 'materialized-view'
  | 'function'
  | 'trigger'
  | 'extension'
  | 'policy'
  | 'rule';

export type PropValue = string | number | boolean | null | string[];

export interface SchemaObject {
  kind: SchemaObjectKind;
  /** Unique within the snapshot for its kind, e.g. `public.users`, `public.users.email`, `public.users.ix_users_email`. */
  key: string;
  /** Normalised properties; only what a migration controls (no OIDs, no sizes, no statistics). */
  props: Record<string, PropValue>;
}

export interface SchemaSnapshot {
  dialect: 'postgresql' | 'sqlite';
  /** Sorted by kind then key. */
  objects: SchemaObject[];
}

const KIND_ORDER: SchemaObjectKind[] = [
  'extension', 'schema', 'enum', 'type', 'domain', 'sequence', 'table', 'column', 'constraint', 'index',
  'view', 'materialized-view', 'function', 'trigger', 'policy', 'rule',
];

export function kindRank(kind: SchemaObjectKind): number {
  const i = KIND_ORDER.indexOf(kind);
  return i === -1 ? KIND_ORDER.length : i;
}

export function sortObjects(objects: SchemaObject[]): SchemaObject[] {
  return [...objects].sort((a, b) => kindRank(a.kind) - kindRank(b.kind) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
