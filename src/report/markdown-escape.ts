// Escaping for GitHub-flavoured Markdown: turns untrusted text (migration docstrings, SQL, messages) into pieces
// that cannot break out of their block, close our <details>, forge our hidden marker, or mention anyone.

/** The hidden-marker prefix that identifies our comments; user text must never contain it verbatim. */
export const MARKER_PREFIX = '<!-- alembic-preflight:';

// A word joiner is invisible and keeps copy-paste of SQL intact enough, while breaking the exact marker string.
const WORD_JOINER = '\u2060';

/** Breaks every occurrence of our marker prefix (and any HTML comment opener) in text shown verbatim. */
export function neutraliseMarker(text: string): string {
  return text.replaceAll('<!--', `<!${WORD_JOINER}--`);
}

/** The longest run of backticks in `text`. */
function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

/** A fenced code block whose fence is longer than any backtick run inside, so the content cannot close it. */
export function codeBlock(text: string, lang = ''): string {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(text) + 1));
  const body = neutraliseMarker(text.replace(/\r\n?/g, '\n')).replace(/\n+$/, '');
  return `${fence}${lang}\n${body}\n${fence}`;
}

/** HTML-escapes text (for use inside HTML elements such as <summary> or <code>). */
export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

// CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that start markup inline
// (`(` and `)` need none once `[` and `]` are escaped, and escaping them would end up inside autolinked URLs).
const MARKDOWN_PUNCTUATION = /[\\`*_[\]#+|~]/g;

/** Prose on one line: HTML-escaped, Markdown punctuation escaped, @mentions defused, newlines flattened. */
export function escapeInline(text: string): string {
  return escapeHtml(text.replace(/\r?\n|\r/g, ' '))
    .replace(MARKDOWN_PUNCTUATION, (c) => `\\${c}`)
    .replace(/@(?=\w)/g, `@${WORD_JOINER}`);
}

/** Prose that starts a line: like escapeInline, and it cannot open a list either (`- x`, `1. x`). */
export function escapeParagraph(text: string): string {
  return escapeInline(text.trimStart()).replace(/^-/, '\\-').replace(/^(\d+)([.)])/, '$1\\$2');
}

/** A table cell: like escapeInline, and `|` cannot split the row even inside code. */
export function escapeCell(text: string): string {
  return escapeInline(text).replaceAll('\\|', '&#124;');
}

/** Inline code in Markdown context (list items, table cells): <code> whose inside is still parsed, so escaped. */
export function inlineCode(text: string): string {
  return `<code>${escapeCell(text)}</code>`;
}

/** One line of text inside an HTML block (e.g. <summary>), where Markdown is not parsed: HTML escapes only. */
export function htmlLine(text: string): string {
  return escapeHtml(text.replace(/\r?\n|\r/g, ' ')).replace(/@(?=\w)/g, `@${WORD_JOINER}`);
}

/** Our hidden marker for one Alembic project; the key is encoded so it cannot end the HTML comment early. */
export function commentMarker(projectKey: string, kind = 'alembic-preflight'): string {
  const utf8 = new TextEncoder();
  const key = [...projectKey]
    .map((c) => (/^[\w./-]$/.test(c) ? c : [...utf8.encode(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('')))
    .join('')
    .replace(/--/g, '-%2D');
  return `<!-- ${kind}:${key} -->`;
}

/** Shortens text to at most `max` characters, saying so. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
