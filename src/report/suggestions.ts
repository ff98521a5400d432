// Plans GitHub "suggested changes" for fixes that are mechanical and local to one migration file: an index built
// without CONCURRENTLY (wrap it in an autocommit block), no lock_timeout (set one at the top of upgrade()), an enum
// the downgrade leaves behind (drop it at the end of downgrade()). Pure: report + file texts → suggestions.

import { posix } from 'node:path';
import type { Finding, Report } from './model.ts';

export interface Suggestion {
  code: string;
  /** Repository-relative path (posix). */
  path: string;
  /** The lines replaced, 1-based and inclusive (startLine = line for one line). */
  startLine: number;
  line: number;
  /** The replacement text of those lines. */
  replacement: string;
  /** Why, one sentence of plain text. */
  why: string;
}

interface SourceFile {
  lines: string[];
}

const LOCK_TIMEOUT = `op.execute("SET LOCAL lock_timeout = '3s'")`;

function indentOf(line: string): string {
  return /^\s*/.exec(line)![0];
}

/** Line index (0-based) of the `)` closing the call opened on `start` at `col`, or -1. Strings are skipped. */
function callEnd(lines: string[], start: number, col: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = start; i < lines.length; i++) {
    const text = lines[i]!;
    for (let j = i === start ? col : 0; j < text.length; j++) {
      const c = text[j]!;
      if (quote) {
        if (c === '\\') j++;
        else if (c === quote) quote = null;
        continue;
      }
      if (c === '#') break;
      if (c === '"' || c === "'") quote = c;
      else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) return /^\s*(#.*)?$/.test(text.slice(j + 1)) ? i : -1;
    }
  }
  return -1;
}

function concurrentIndex(src: SourceFile, f: Finding): Omit<Suggestion, 'path' | 'code'> | null {
  const i = f.line! - 1;
  const text = src.lines[i];
  const col = text?.indexOf('op.create_index(') ?? -1;
  if (!text || col === -1 || text.slice(0, col).trim() !== '') return null;
  const end = callEnd(src.lines, i, col + 'op.create_index'.length);
  if (end === -1) return null;
  const call = src.lines.slice(i, end + 1);
  const last = call[call.length - 1]!;
  const close = last.lastIndexOf(')');
  const before = last.slice(0, close).trimEnd();
  let lines: string[];
  if (call.length > 1 && before.trim() === '') {
    // The `)` stands alone: the argument goes on a line of its own, like the others.
    const prev = call[call.length - 2]!.trimEnd();
    const prevLine = prev.endsWith(',') || prev.endsWith('(') ? prev : `${prev},`;
    lines = [...call.slice(0, -2), prevLine, `${indentOf(call[1]!)}postgresql_concurrently=True,`, last];
  } else {
    const sep = before.endsWith('(') ? '' : before.endsWith(',') ? ' ' : ', ';
    lines = [...call.slice(0, -1), `${before}${sep}postgresql_concurrently=True${last.slice(close)}`];
  }
  const indent = indentOf(text);
  return {
    startLine: i + 1,
    line: end + 1,
    replacement: [`${indent}with op.get_context().autocommit_block():`, ...lines.map((l) => (l.trim() ? `    ${l}` : l))].join('\n'),
    why: 'Build the index with CONCURRENTLY, outside the migration transaction, so writes to the table are not blocked.',
  };
}

/** The 0-based index of the line after which the body of `def name(` starts (its docstring skipped), or -1. */
function bodyStart(src: SourceFile, name: string): { after: number; indent: string } | null {
  const def = src.lines.findIndex((l) => new RegExp(`^def ${name}\\s*\\(`).test(l));
  if (def === -1) return null;
  let header = def;
  while (header < src.lines.length && !/:\s*(#.*)?$/.test(src.lines[header]!)) header++;
  const first = src.lines.findIndex((l, k) => k > header && l.trim() !== '');
  if (first === -1) return null;
  const indent = indentOf(src.lines[first]!);
  if (!indent) return null;
  const doc = /^\s*(?:[rRuU]?)("""|''')/.exec(src.lines[first]!);
  if (!doc) return { after: header, indent };
  const rest = src.lines[first]!.slice(src.lines[first]!.indexOf(doc[1]!) + 3);
  if (rest.includes(doc[1]!)) return { after: first, indent };
  const close = src.lines.findIndex((l, k) => k > first && l.includes(doc[1]!));
  return close === -1 ? null : { after: close, indent };
}

function lockTimeout(src: SourceFile): Omit<Suggestion, 'path' | 'code'> | null {
  // After an autocommit block a SET LOCAL at the top no longer applies: that fix is not mechanical.
  if (src.lines.some((l) => l.includes('autocommit_block') || l.includes('lock_timeout'))) return null;
  const body = bodyStart(src, 'upgrade');
  if (!body) return null;
  const line = src.lines[body.after]!;
  return {
    startLine: body.after + 1,
    line: body.after + 1,
    replacement: `${line}\n${body.indent}${LOCK_TIMEOUT}`,
    why: 'Set a lock_timeout for this migration\'s transaction, so it gives up instead of queueing every query on the table behind it.',
  };
}

function dropLeftEnums(src: SourceFile, f: Finding): Omit<Suggestion, 'path' | 'code'> | null {
  const enums = (f.details ?? []).map((d) => /^\+ enum (\S+) \(left behind/.exec(d)?.[1]).filter((x): x is string => Boolean(x));
  if (!enums.length) return null;
  const def = src.lines.findIndex((l) => /^def downgrade\s*\(/.test(l));
  if (def === -1) return null;
  let end = src.lines.findIndex((l, k) => k > def && /^\S/.test(l));
  if (end === -1) end = src.lines.length;
  let last = end - 1;
  // After the last statement (Alembic's closing `# ### end ...` comment stays below the new lines).
  while (last > def && (src.lines[last]!.trim() === '' || src.lines[last]!.trim().startsWith('#'))) last--;
  if (last <= def) return null;
  const line = src.lines[last]!;
  const indent = indentOf(line) || '    ';
  const drops = enums.map((name) => `${indent}op.execute("DROP TYPE IF EXISTS ${name.replace(/^public\./, '')}")`);
  const keep = line.trim() === 'pass' ? [] : [line];
  return {
    startLine: last + 1,
    line: last + 1,
    replacement: [...keep, ...drops].join('\n'),
    why: `Drop what upgrade() created and downgrade() leaves behind: ${enums.join(', ')}.`,
  };
}

/** Suggestions for the new revisions' findings, at most one per line range; `read` gives a project file's text. */
export function planSuggestions(report: Report, projectKey: string, read: (file: string) => string | null): Suggestion[] {
  const fresh = new Set(report.newRevisions);
  const out: Suggestion[] = [];
  const lockTimeoutDone = new Set<string>();
  const cache = new Map<string, SourceFile | null>();
  const source = (file: string) => {
    if (!cache.has(file)) {
      const text = read(file);
      cache.set(file, text === null ? null : { lines: text.replace(/\r\n?/g, '\n').split('\n') });
    }
    return cache.get(file)!;
  };
  for (const f of report.checks.flatMap((c) => c.findings)) {
    if (!f.file || !f.revision || !fresh.has(f.revision) || !/\.py$/.test(f.file)) continue;
    const src = source(f.file);
    if (!src) continue;
    let planned: Omit<Suggestion, 'path' | 'code'> | null = null;
    if (f.code === 'create-index-not-concurrently' && f.line) planned = concurrentIndex(src, f);
    else if (f.code === 'missing-lock-timeout' && !lockTimeoutDone.has(f.file)) {
      planned = lockTimeout(src);
      lockTimeoutDone.add(f.file);
    } else if (f.code === 'stairway/downgrade-leaves-trace') planned = dropLeftEnums(src, f);
    if (!planned) continue;
    const path = posix.normalize(posix.join(projectKey, f.file)).replace(/^\.\//, '');
    const overlaps = out.some((s) => s.path === path && s.startLine <= planned!.line && planned!.startLine <= s.line);
    if (!overlaps) out.push({ code: f.code, path, ...planned });
  }
  return out;
}

/** The review comment: why, then GitHub's suggestion block (fenced longer than any backtick run inside). */
export function suggestionBody(s: Suggestion, version: string, docUrl: string): string {
  const longest = Math.max(2, ...(s.replacement.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  return `**alembic-preflight** · [\`${s.code}\`](${docUrl}) · ${s.why}\n\n${fence}suggestion\n${s.replacement}\n${fence}\n\n<sub>alembic-preflight ${version}</sub>`;
}
