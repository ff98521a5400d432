// The schema change of a PR as a Markdown table: one row per object, and for columns their type, nullability and
// default (what changed shown as before → after), so a reviewer reads the new schema without opening the SQL.

import type { SchemaChange } from '../schema/diff.ts';
import type { PropValue } from '../schema/snapshot.ts';
import { clip, escapeCell, inlineCode } from './markdown-escape.ts';
import type { Report } from './model.ts';

const SCHEMA_ROWS = 200;
const COLUMN_PROPS = ['type', 'notNull', 'default'];

function value(prop: string, v: PropValue | undefined): string {
  if (prop === 'notNull') return v === true ? 'NOT NULL' : 'NULL';
  if (prop === 'default') return v === null || v === undefined ? 'no default' : inlineCode(clip(`DEFAULT ${String(v)}`, 200));
  if (v === undefined || v === null) return '(none)';
  return inlineCode(clip(Array.isArray(v) ? v.join(', ') : String(v), 200));
}

function columnDetail(c: SchemaChange): string {
  const changed = new Map((c.props ?? []).map((p) => [p.prop, p]));
  const parts: string[] = [];
  for (const prop of COLUMN_PROPS) {
    const p = changed.get(prop);
    if (p) parts.push(`${value(prop, p.before)} → ${value(prop, p.after)}`);
    // Snapshots leave out empty properties: no default, nullable.
    else if (c.object) parts.push(value(prop, c.object[prop]));
  }
  // Other column properties (identity, collation, comment...) only when they changed.
  for (const p of c.props ?? []) if (!COLUMN_PROPS.includes(p.prop)) parts.push(`${escapeCell(p.prop)} ${value(p.prop, p.before)} → ${value(p.prop, p.after)}`);
  return parts.join(' · ');
}

function otherDetail(c: SchemaChange): string {
  if (c.change !== 'changed') {
    const def = c.object?.definition ?? (c.kind === 'sequence' || c.kind === 'domain' ? c.object?.type : undefined) ?? c.object?.values;
    return def === undefined || def === null ? '' : value('definition', def);
  }
  return (c.props ?? []).map((p) => `${escapeCell(p.prop)} ${value(p.prop, p.before)} → ${value(p.prop, p.after)}`).join(' · ');
}

function row(c: SchemaChange): string {
  const sign = c.change === 'added' ? '➕ added' : c.change === 'removed' ? '➖ removed' : '✏️ changed';
  const detail = c.kind === 'column' ? columnDetail(c) : otherDetail(c);
  return `| ${sign} | ${escapeCell(c.kind)} | ${inlineCode(c.key)} | ${detail} |`;
}

export function schemaSection(report: Report, full: boolean): string | undefined {
  const changes = report.schemaDiff;
  if (!changes.length) return undefined;
  const title = report.mode === 'pr' ? '#### Schema changes (base branch → this PR)' : '#### Schema changes (base → head)';
  if (!full) return `${title}\n\n${changes.length} ${changes.length === 1 ? 'change' : 'changes'}: see the job summary.`;
  const rows = changes.slice(0, SCHEMA_ROWS).map(row);
  const more = changes.length > SCHEMA_ROWS ? `\n\n<sub>… ${changes.length - SCHEMA_ROWS} more changes not shown.</sub>` : '';
  return `${title}\n\n| Change | Kind | Object | Type · nullability · default / detail |\n| --- | --- | --- | --- |\n${rows.join('\n')}${more}`;
}
