// Splits offline SQL (as `alembic upgrade --sql` prints it) into statements, for display next to findings.
// Display only: joining the statements' lines gives back the input exactly; dollar-quoted bodies stay whole.

export interface SqlStatement {
  /** The statement's lines, with the comments and blank lines before it. */
  lines: string[];
  /** Whitespace-collapsed, lower-cased text without the trailing semicolon, for matching findings. */
  normalised: string;
}

export function normaliseSql(sql: string): string {
  return sql.replace(/--[^\n]*$/gm, '').replace(/\s+/g, ' ').trim().replace(/;$/, '').trim().toLowerCase();
}

export function splitStatements(sql: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let lines: string[] = [];
  let dollarTag: string | null = null;
  const flush = () => {
    if (lines.length === 0) return;
    statements.push({ lines, normalised: normaliseSql(lines.join('\n')) });
    lines = [];
  };
  for (const line of sql.replace(/\r\n?/g, '\n').split('\n')) {
    lines.push(line);
    for (const match of line.matchAll(/\$[A-Za-z_]*\$/g)) {
      if (dollarTag === null) dollarTag = match[0];
      else if (match[0] === dollarTag) dollarTag = null;
    }
    if (dollarTag === null && /;\s*$/.test(line) && !/^\s*--/.test(line)) flush();
  }
  // Trailing comments or an unterminated statement: keep them, so nothing shown is lost.
  if (lines.some((l) => l.trim() !== '')) flush();
  return statements;
}

/** Index of the statement a finding's SQL concerns, or -1. Exact match first, then containment, then prefix. */
export function findStatement(statements: SqlStatement[], findingSql: string): number {
  const wanted = normaliseSql(findingSql);
  if (!wanted) return -1;
  const exact = statements.findIndex((s) => s.normalised === wanted);
  if (exact !== -1) return exact;
  const contains = statements.findIndex((s) => s.normalised.length > 0 && (s.normalised.includes(wanted) || wanted.includes(s.normalised)));
  if (contains !== -1) return contains;
  // Online SQL carries bind parameters where offline SQL has literals: compare the part before the first one.
  const head = wanted.split(/%\(|\$\d|\?|:\w/)[0]!.trim();
  if (head.length < 16) return -1;
  return statements.findIndex((s) => s.normalised.startsWith(head));
}
