// The hint of a `downgrade-leaves-trace` finding, built from the differences themselves: the downgrade code that
// undoes each one (drop the enum it left, restore NOT NULL, drop the unique constraint...), not a stock list.

import type { PropValue } from '../schema/snapshot.ts';
import type { SchemaChange } from '../schema/diff.ts';

const MAX_LINES = 8;

interface Name {
  schema: string | null;
  table: string;
  name: string;
}

/** `public.users.email` → schema public, table users, name email (the snapshot keys: schema.table.name). */
function split(key: string, parts: 2 | 3): Name {
  const bits = key.split('.');
  if (parts === 2) return { schema: bits.length > 1 ? bits[0]! : null, table: '', name: bits.slice(1).join('.') || bits[0]! };
  return { schema: bits[0] ?? null, table: bits[1] ?? '', name: bits.slice(2).join('.') };
}

const q = (s: string) => JSON.stringify(s);
const schemaArg = (n: Name) => (n.schema && n.schema !== 'public' && n.schema !== 'main' ? `, schema=${q(n.schema)}` : '');
const qualified = (n: Name) => (n.schema && n.schema !== 'public' && n.schema !== 'main' ? `${n.schema}.${n.name}` : n.name);

/** SQLite keeps no ALTER COLUMN or constraint changes: batch mode does them. */
function columnOp(sqlite: boolean, n: Name, call: string): string {
  return sqlite
    ? `with op.batch_alter_table(${q(n.table)}) as batch_op:\n    batch_op.${call}`
    : `op.${call.replace(/^(\w+)\(/, `$1(${q(n.table)}, `).replace(/\)$/, `${schemaArg(n)})`)}`;
}

const SA_TYPES: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^(character varying|varchar)\((\d+)\)$/i, (m) => `sa.String(length=${m[2]})`],
  [/^(character varying|varchar)$/i, () => 'sa.String()'],
  [/^text$/i, () => 'sa.Text()'],
  [/^(integer|int|int4)$/i, () => 'sa.Integer()'],
  [/^(bigint|int8)$/i, () => 'sa.BigInteger()'],
  [/^(smallint|int2)$/i, () => 'sa.SmallInteger()'],
  [/^(boolean|bool)$/i, () => 'sa.Boolean()'],
  [/^(double precision|float8|float)$/i, () => 'sa.Float()'],
  [/^(numeric|decimal)\((\d+),\s*(\d+)\)$/i, (m) => `sa.Numeric(${m[2]}, ${m[3]})`],
  [/^date$/i, () => 'sa.Date()'],
  [/^timestamp( without time zone)?$/i, () => 'sa.DateTime()'],
  [/^timestamp with time zone$/i, () => 'sa.DateTime(timezone=True)'],
  [/^uuid$/i, () => 'sa.Uuid()'],
  [/^jsonb$/i, () => 'postgresql.JSONB()'],
];

function saType(sqlType: string): string | null {
  for (const [re, render] of SA_TYPES) {
    const m = re.exec(sqlType.trim());
    if (m) return render(m);
  }
  return null;
}

function constraintType(props: Record<string, PropValue> | undefined): string | null {
  const t = props?.type;
  return t === 'unique' ? 'unique' : t === 'foreign key' ? 'foreignkey' : t === 'check' ? 'check' : t === 'primary key' ? 'primary' : null;
}

/** Undoes what the downgrade left behind (an object the upgrade created). */
function dropLeftover(c: SchemaChange, sqlite: boolean): string {
  switch (c.kind) {
    case 'enum': {
      const n = split(c.key, 2);
      return `sa.Enum(name=${q(n.name)}${schemaArg(n)}).drop(op.get_bind(), checkfirst=True)`;
    }
    case 'sequence': return `op.execute(${q(`DROP SEQUENCE IF EXISTS ${qualified(split(c.key, 2))}`)})`;
    case 'type': return `op.execute(${q(`DROP TYPE IF EXISTS ${qualified(split(c.key, 2))}`)})`;
    case 'domain': return `op.execute(${q(`DROP DOMAIN IF EXISTS ${qualified(split(c.key, 2))}`)})`;
    case 'extension': return `op.execute(${q(`DROP EXTENSION IF EXISTS ${split(c.key, 2).name}`)})`;
    case 'schema': return `op.execute(${q(`DROP SCHEMA IF EXISTS ${c.key}`)})`;
    case 'view': return `op.execute(${q(`DROP VIEW IF EXISTS ${qualified(split(c.key, 2))}`)})`;
    case 'materialized-view': return `op.execute(${q(`DROP MATERIALIZED VIEW IF EXISTS ${qualified(split(c.key, 2))}`)})`;
    case 'table': {
      const n = split(c.key, 2);
      return `op.drop_table(${q(n.name)}${schemaArg(n)})`;
    }
    case 'column': {
      const n = split(c.key, 3);
      return columnOp(sqlite, n, `drop_column(${q(n.name)})`);
    }
    case 'index': {
      const n = split(c.key, 3);
      // The index behind a unique/primary key constraint goes with the constraint's drop.
      if (typeof c.object?.constraint === 'string') return '';
      return `op.drop_index(${q(n.name)}, table_name=${q(n.table)}${schemaArg(n)})`;
    }
    case 'constraint': {
      const n = split(c.key, 3);
      const name = typeof c.object?.name === 'string' ? c.object.name : /^\w+\(/.test(n.name) ? null : n.name;
      const type = constraintType(c.object);
      if (!name) return `# the unnamed ${String(c.object?.type ?? 'constraint')} ${n.name} on ${n.table}: recreate ${n.table} without it (batch mode), or name it in upgrade() to drop it by name`;
      const typeArg = type ? `, type_=${q(type)}` : '';
      return sqlite
        ? columnOp(true, n, `drop_constraint(${q(name)}${typeArg})`)
        : `op.drop_constraint(${q(name)}, ${q(n.table)}${typeArg}${schemaArg(n)})`;
    }
    case 'trigger': {
      const n = split(c.key, 3);
      return `op.execute(${q(`DROP TRIGGER IF EXISTS ${n.name} ON ${n.table}`)})`;
    }
    default: return `# drop ${c.kind} ${c.key}, which upgrade() created`;
  }
}

/** Restores what the downgrade changed (a property of an object that existed before the upgrade). */
function restoreChanged(c: SchemaChange, sqlite: boolean): string[] {
  if (c.kind !== 'column') return [`# restore ${c.kind} ${c.key} as it was: ${(c.props ?? []).map((p) => p.prop).join(', ')}`];
  const n = split(c.key, 3);
  const args: string[] = [];
  for (const p of c.props ?? []) {
    if (p.prop === 'notNull' || p.prop === 'notnull') args.push(`nullable=${p.before ? 'False' : 'True'}`);
    else if (p.prop === 'type' && typeof p.before === 'string' && saType(p.before)) args.push(`type_=${saType(p.before)}`);
    else if (p.prop === 'default') args.push(`server_default=${typeof p.before === 'string' ? `sa.text(${q(p.before)})` : 'None'}`);
    else args.push(`# ${p.prop}: back to ${JSON.stringify(p.before)}`);
  }
  const plain = args.filter((a) => !a.startsWith('#'));
  const notes = args.filter((a) => a.startsWith('#'));
  return [...(plain.length ? [columnOp(sqlite, n, `alter_column(${q(n.name)}, ${plain.join(', ')})`)] : []),
    ...notes.map((note) => `${note} (${n.table}.${n.name})`)];
}

export function stairwayHint(trace: SchemaChange[]): string {
  const sqlite = trace.some((c) => c.key.startsWith('main.')) && !trace.some((c) => c.object && 'notNull' in c.object);
  const lines: string[] = [];
  const removed: string[] = [];
  for (const c of trace) {
    if (c.change === 'added') lines.push(dropLeftover(c, sqlite));
    else if (c.change === 'changed') lines.push(...restoreChanged(c, sqlite));
    else removed.push(`${c.kind} ${c.key}`);
  }
  const unique = [...new Set(lines)].filter(Boolean);
  const shown = unique.slice(0, MAX_LINES);
  const more = unique.length - shown.length;
  const parts: string[] = [];
  if (shown.length) {
    parts.push(`Make downgrade() undo exactly what upgrade() did; here:\n\n\`\`\`python\n${shown.join('\n')}${more ? `\n# ... and ${more} more like these` : ''}\n\`\`\``);
  }
  if (removed.length) {
    parts.push(`downgrade() removes what existed before upgrade() ran (${removed.slice(0, 4).join(', ')}${removed.length > 4 ? ', ...' : ''}): it must drop only what upgrade() created, and recreate what upgrade() dropped.`);
  }
  return parts.join('\n\n');
}
