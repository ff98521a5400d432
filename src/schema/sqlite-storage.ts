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
