// What SQLite actually stores for a column, as opposed to the declared text batch mode may rewrite: the type
// affinity (SQLite's rules, section 3.1 of "Datatypes In SQLite") and the default expression without extra parens.

/** SQLite's column affinity for a declared type, by its five rules in order. */
export function sqliteAffinity(declared: string): 'INTEGER' | 'TEXT' | 'BLOB' | 'REAL' | 'NUMERIC' {
  const t = declared.toUpperCase();
  if (t.includes('INT')) return 'INTEGER';
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return 'TEXT';
  if (t.includes('BLOB') || t.trim() === '') return 'BLOB';
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return 'REAL';
  return 'NUMERIC';
}

/** Type names SQLAlchemy's SQLite dialect reflects as themselves (its ischema_names): batch mode keeps these. */
const REFLECTED = new Set(['BIGINT', 'BLOB', 'BOOL', 'BOOLEAN', 'CHAR', 'DATE', 'DATE_CHAR', 'DATETIME', 'DATETIME_CHAR',
  'DOUBLE', 'DOUBLE_PRECISION', 'DECIMAL', 'FLOAT', 'INT', 'INTEGER', 'JSON', 'NUMERIC', 'REAL', 'SMALLINT', 'TEXT',
  'TIME', 'TIME_CHAR', 'TIMESTAMP', 'VARCHAR', 'NVARCHAR', 'NCHAR']);

function baseName(declared: string): string {
  return declared.trim().toUpperCase().replace(/\s*\(.*$/, '').replace(/\s+/g, '_');
}

/**
 * Whether two declared column types are the same column as far as a batch-mode copy goes: the same text, or the
 * rewrite batch mode makes when SQLAlchemy cannot reflect a type (`UUID` comes back `NUMERIC`), or TIMESTAMP and
 * DATETIME, which it reflects as each other. A real change (DATETIME → DATE, VARCHAR(50) → VARCHAR(255)) is not.
 */
export function sameSqliteType(a: string, b: string): boolean {
  const norm = (t: string) => t.trim().toUpperCase().replace(/\s+/g, ' ').replace(/\s*\(\s*/g, '(').replace(/\s*\)/g, ')').replace(/\s*,\s*/g, ',');
  if (norm(a) === norm(b)) return true;
  if (sqliteAffinity(a) !== sqliteAffinity(b)) return false;
  const [x, y] = [baseName(a), baseName(b)];
  if (!REFLECTED.has(x) || !REFLECTED.has(y)) return true;
  return (x === 'TIMESTAMP' && y === 'DATETIME') || (x === 'DATETIME' && y === 'TIMESTAMP');
}

/** Whether `open` at index 0 closes at the very end: `(a) + (b)` is not wrapped, `((a) + (b))` is. */
function wrapped(text: string): boolean {
  if (!text.startsWith('(') || !text.endsWith(')')) return false;
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0 && i < text.length - 1) return false;
  }
  return depth === 0;
}

/** A default expression as SQLite evaluates it: outer parens, spacing and keyword case do not matter. */
export function normalizeSqliteDefault(expr: string | null): string | null {
  if (expr === null) return null;
  let out = '';
  let quote: string | null = null;
  for (const c of expr.trim()) {
    if (quote) {
      out += c;
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') {
      quote = c;
      out += c;
    } else if (/\s/.test(c)) {
      if (!out.endsWith(' ')) out += ' ';
    } else out += c.toLowerCase();
  }
  out = out.replace(/\( /g, '(').replace(/ \)/g, ')').trim();
  while (wrapped(out)) out = out.slice(1, -1).trim();
  return out;
}
