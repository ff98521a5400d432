// Helpers for hints written as Alembic code: Python string literals, SQLAlchemy types from a statement's TypeRef,
// and the bits of a statement's SQL the statement model does not keep (index columns, SET clauses, defaults).

import type { Dialect, TypeRef } from '../types.ts';

/** A Python string literal (double-quoted, escaped). */
export function py(text: string): string {
  return JSON.stringify(text);
}

export function pyList(items: string[]): string {
  return `[${items.map(py).join(', ')}]`;
}

/** The SQLAlchemy type for a column type as the database saw it; unknown names stay visible, not guessed. */
export function saType(t: TypeRef | null, dialect: Dialect): string {
  if (!t) return 'sa.Text()  # the column\'s current type';
  const [a, b] = t.args;
  const base = ((): string => {
    switch (t.name) {
      case 'integer': case 'serial': return 'sa.Integer()';
      case 'bigint': case 'bigserial': return 'sa.BigInteger()';
      case 'smallint': case 'smallserial': return 'sa.SmallInteger()';
      case 'varchar': return a !== undefined ? `sa.String(length=${a})` : 'sa.String()';
      case 'char': return a !== undefined ? `sa.CHAR(length=${a})` : 'sa.CHAR()';
      case 'text': return 'sa.Text()';
      case 'timestamp': return 'sa.DateTime()';
      case 'timestamptz': return dialect === 'sqlite' ? 'sa.DateTime()' : 'sa.DateTime(timezone=True)';
      case 'date': return 'sa.Date()';
      case 'time': return 'sa.Time()';
      case 'boolean': return 'sa.Boolean()';
      case 'numeric': return a !== undefined ? `sa.Numeric(${a}${b !== undefined ? `, ${b}` : ''})` : 'sa.Numeric()';
      case 'double precision': return 'sa.Double()';
      case 'real': return 'sa.REAL()';
      case 'json': return 'sa.JSON()';
      case 'jsonb': return 'postgresql.JSONB()';
      case 'uuid': return 'sa.Uuid()';
      default: return `sa.types.UserDefinedType()  # ${t.name}`;
    }
  })();
  return t.array && dialect === 'postgresql' ? `postgresql.ARRAY(${base})` : base;
}

/** A constant server default that suits the type, for a NOT NULL column added to a table with rows. */
export function constantDefault(t: TypeRef | null, dialect: Dialect): string {
  const name = t?.name ?? 'text';
  if (['integer', 'bigint', 'smallint', 'numeric', 'real', 'double precision'].includes(name)) return 'sa.text("0")';
  if (name === 'boolean') return 'sa.false()';
  if (['timestamp', 'timestamptz', 'date'].includes(name)) {
    // now() is PostgreSQL's; SQLite rejects it and has CURRENT_TIMESTAMP (constant per statement on both).
    return dialect === 'sqlite' ? 'sa.text("(CURRENT_TIMESTAMP)")' : 'sa.text("CURRENT_TIMESTAMP")';
  }
  return '""';
}

/** The column list of `CREATE [UNIQUE] INDEX ... ON t [USING m] (a, b)`: as written, unquoted. */
export function indexColumns(sql: string): string[] {
  const m = /\bON\s+[^\s(]+\s*(?:USING\s+\w+\s*)?\(([^)]*)\)/i.exec(sql);
  return m ? m[1]!.split(',').map((c) => c.trim().replace(/^"|"$/g, '')).filter(Boolean) : [];
}

/** `SET a = 1, b = 'x'` of an UPDATE, as written. */
export function setClause(sql: string): string | null {
  const m = /\bSET\s+([\s\S]+?)(?:\s+(?:FROM|WHERE|RETURNING)\b|;?\s*$)/i.exec(sql);
  return m ? m[1]!.trim() : null;
}

/** `REFERENCES users (id)` → ['users', ['id']]. */
export function referencedColumns(sql: string): string[] {
  const m = /\bREFERENCES\s+[^\s(]+\s*\(([^)]*)\)/i.exec(sql);
  return m ? m[1]!.split(',').map((c) => c.trim().replace(/^"|"$/g, '')) : ['id'];
}

/** The expression of `CHECK (...)` (balanced parentheses). */
export function checkExpression(sql: string): string | null {
  const start = /\bCHECK\s*\(/i.exec(sql);
  if (!start) return null;
  let depth = 0;
  for (let i = start.index + start[0].length - 1; i < sql.length; i++) {
    if (sql[i] === '(') depth++;
    else if (sql[i] === ')' && --depth === 0) return sql.slice(start.index + start[0].length, i).trim();
  }
  return null;
}

/** The DEFAULT expression of a column added by ALTER TABLE ... ADD COLUMN / SET DEFAULT, as written. */
export function defaultExpression(sql: string): string | null {
  const m = /\bDEFAULT\s+([\s\S]+?)(?:\s+(?:NOT\s+NULL|NULL|CONSTRAINT|CHECK|REFERENCES|PRIMARY|UNIQUE|GENERATED)\b|;?\s*$)/i.exec(sql);
  return m ? m[1]!.trim() : null;
}
