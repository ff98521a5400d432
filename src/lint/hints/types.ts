// Hints for the type and naming rules: the column the finding names, with the type to use instead.

import { hintWithCode } from '../hint-text.ts';
import { typedColumns } from '../statement-queries.ts';
import type { RuleReport } from '../types.ts';
import type { HintBuilder } from './locks.ts';
import { py } from './python.ts';

/** The typed column the message names (`table.column is ...`), else the statement's first of that type. */
function column(r: RuleReport, types: string[]): { table: string; column: string; args: number[] } | null {
  if (!r.statement) return null;
  const cols = typedColumns(r.statement).filter((c) => types.includes(c.type.name));
  const named = cols.find((c) => r.message.startsWith(`${c.table}.${c.column} `)) ?? cols[0];
  return named ? { table: named.table, column: named.column, args: named.type.args } : null;
}

const intPrimaryKey: HintBuilder = (r) => {
  const c = column(r, ['integer', 'smallint', 'serial', 'smallserial']);
  return c ? hintWithCode(`Make ${c.table}.${c.column} a 64-bit identity key:`, `sa.Column(${py(c.column)}, sa.BigInteger(), sa.Identity(), primary_key=True)`) : null;
};

const serialColumn: HintBuilder = (r) => {
  const c = column(r, ['serial', 'bigserial', 'smallserial']);
  return c ? hintWithCode(`Make ${c.table}.${c.column} an identity column:`, `sa.Column(${py(c.column)}, sa.BigInteger(), sa.Identity(), primary_key=True)`) : null;
};

const timestampWithoutTimeZone: HintBuilder = (r) => {
  const c = column(r, ['timestamp']);
  return c ? hintWithCode(`Make ${c.table}.${c.column} timestamptz (an absolute instant):`, `sa.Column(${py(c.column)}, sa.DateTime(timezone=True))`) : null;
};

const charColumn: HintBuilder = (r) => {
  const c = column(r, ['char']);
  if (!c) return null;
  const n = c.args[0];
  return hintWithCode(
    `Make ${c.table}.${c.column} varchar${n ? `(${n})` : ''} (no blank padding) or text with a CHECK on its length:`,
    n ? `sa.Column(${py(c.column)}, sa.String(length=${n}))\n# or exactly ${n} characters:\nsa.Column(${py(c.column)}, sa.Text(), sa.CheckConstraint(${py(`length(${c.column}) = ${n}`)}))` : `sa.Column(${py(c.column)}, sa.Text())`,
  );
};

const jsonColumn: HintBuilder = (r) => {
  const c = column(r, ['json']);
  return c ? hintWithCode(`Make ${c.table}.${c.column} jsonb (sa.JSON maps to json on PostgreSQL):`, `from sqlalchemy.dialects.postgresql import JSONB\nsa.Column(${py(c.column)}, JSONB())`) : null;
};

const identifierTooLong: HintBuilder = (r) => {
  const name = /^"([^"]+)" is (\d+) bytes/.exec(r.message);
  if (!name) return null;
  return hintWithCode(
    `Shorten "${name[1]}" to at most 63 bytes (it is ${name[2]}), in the migration and the model alike; for generated constraint and index names, use a naming convention that stays short:`,
    `metadata = sa.MetaData(naming_convention={\n    "ix": "ix_%(table_name)s_%(column_0_N_name)s",\n    "fk": "fk_%(table_name)s_%(column_0_name)s",\n})`,
  );
};

export const TYPE_HINTS: Record<string, HintBuilder> = {
  'int-primary-key': intPrimaryKey,
  'serial-column': serialColumn,
  'timestamp-without-time-zone': timestampWithoutTimeZone,
  'char-column': charColumn,
  'json-column': jsonColumn,
  'identifier-too-long': identifierTooLong,
};
