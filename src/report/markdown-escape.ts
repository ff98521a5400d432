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

// CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that start markup inline.
const MARKDOWN_PUNCTUATION = /[\\`*_[\]()#+!|~{}]/g;

/** Prose on one line: HTML-escaped, Markdown punctuation escaped, @mentions and #refs defused, newlines flattened. */
export function escapeInline(text: string): string {
  return escapeHtml(text.replace(/\r?\n|\r/g, ' '))
    .replace(MARKDOWN_PUNCTUATION, (c) => `\\${c}`)
    .replace(/@(?=\w)/g, `@${WORD_JOINER}`);
}

/** A table cell: like escapeInline, and `|` cannot split the row even inside code. */
export function escapeCell(text: string): string {
  return escapeInline(text).replaceAll('\\|', '&#124;');
}

/** Inline code that survives any content: HTML <code> with escaped text (backticks need no fence here). */
export function inlineCode(text: string): string {
  const escaped = escapeHtml(text.replace(/\r?\n|\r/g, ' ')).replaceAll('|', '&#124;').replace(/@(?=\w)/g, `@${WORD_JOINER}`);
  return `<code>${escaped}</code>`;
}

/** Shortens text to at most `max` characters, saying so. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
