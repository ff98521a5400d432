// Ignore directives, read from migration files and from the SQL passed to op.execute:
//   # preflight: ignore[rule-id, other-id] reason        (on the op.* line, or on a comment line just above it)
//   # preflight: ignore-file[rule-id] reason             (anywhere in the file: the whole file)
//   -- preflight: ignore rule-id[,other-id] reason       (inside the SQL text: that statement)
// Each directive records which of its rules it silenced, so unused ones can be reported.

export interface IgnoreDirective {
  kind: 'line' | 'file' | 'sql';
  rules: string[];
  reason: string;
  /** File holding the directive (relative to the project directory). */
  file: string;
  /** Line of the directive itself (1-based), null for SQL directives without a known line. */
  line: number | null;
  /** For 'line': the line it applies to (its own, or the next code line below a comment-only line). */
  target: number | null;
  /** Rules this directive silenced at least one finding of. */
  used: Set<string>;
}

const PY_DIRECTIVE = /#\s*preflight:\s*(ignore-file|ignore)\s*\[([^\]]*)\]([^\n]*)$/;
const SQL_DIRECTIVE = /^(?:--|\/\*)\s*preflight:\s*ignore\s*(\[[^\]]*\]|[A-Za-z0-9_-]+(?:\s*,\s*[A-Za-z0-9_-]+)*)(?:\s+(.*?))?\s*(?:\*\/)?$/;

function ruleList(text: string): string[] {
  return text
    .replace(/[[\]]/g, '')
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Directives in a Python migration file's text. */
export function readFileDirectives(file: string, text: string): IgnoreDirective[] {
  const lines = text.split(/\r?\n/);
  const out: IgnoreDirective[] = [];
  for (let k = 0; k < lines.length; k++) {
    const raw = lines[k]!;
    const m = PY_DIRECTIVE.exec(raw);
    if (!m) continue;
    const kind = m[1] === 'ignore-file' ? 'file' : 'line';
    const before = raw.slice(0, m.index);
    let target: number | null = null;
    if (kind === 'line') {
      if (before.trim() !== '') target = k + 1;
      else {
        // A directive on its own line covers the next line of code below it (skipping further comments).
        let j = k + 1;
        while (j < lines.length && (lines[j]!.trim() === '' || lines[j]!.trim().startsWith('#'))) j++;
        target = j < lines.length ? j + 1 : null;
      }
    }
    out.push({
      kind,
      rules: ruleList(m[2]!),
      reason: m[3]!.trim().replace(/^[-:—]\s*/, ''),
      file,
      line: k + 1,
      target,
      used: new Set(),
    });
  }
  return out;
}

/** Directives in the comments of one SQL statement (as given by the lexer). */
export function readSqlDirectives(comments: string[], file: string, line: number | null): IgnoreDirective[] {
  const out: IgnoreDirective[] = [];
  for (const comment of comments) {
    for (const part of comment.split(/\r?\n/)) {
      const m = SQL_DIRECTIVE.exec(part.trim().replace(/^\/\*\s*/, '/*').replace(/^\*\s*/, ''));
      if (!m) continue;
      out.push({
        kind: 'sql',
        rules: ruleList(m[1]!),
        reason: (m[2] ?? '').trim(),
        file,
        line,
        target: null,
        used: new Set(),
      });
    }
  }
  return out;
}

/** True when a directive silences a finding of `rule` at file:line (statement-level SQL directives are matched by the caller). */
export function directiveCovers(d: IgnoreDirective, rule: string, file: string | undefined, line: number | undefined): boolean {
  if (!d.rules.includes(rule)) return false;
  if (d.kind === 'file') return d.file === file;
  if (d.kind === 'line') return d.file === file && line !== undefined && d.target === line;
  return false;
}
