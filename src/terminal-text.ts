// Text from the project (migration output, messages, SQL, tracebacks) on its way to a terminal: control characters
// are shown, never obeyed, so a migration cannot clear the screen, fake a green "PASSED" or set the window title.

// C0 controls but tab and newline, DEL, C1 controls (U+009B is a one-character CSI), and the bidi overrides and
// isolates that reorder what is shown. One character class: linear in the text.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function shown(c: string): string {
  const code = c.charCodeAt(0);
  if (code === 0x1b) return '\\x1b';
  if (code === 0x0d) return '\\r';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The text with every terminal control sequence made visible (`\x1b[2J` prints as those five characters). */
export function forTerminal(text: string): string {
  return text.replace(UNSAFE, shown);
}

/** JSON text safe for a terminal: JSON.stringify already escapes C0 controls; C1 controls and bidi overrides
 * become \u escapes too (the same JSON value, read back). */
export function jsonForTerminal(json: string): string {
  return json.replace(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A copy of a JSON-like value with forTerminal applied to every string in it (a report before text rendering,
 * which adds its own colour sequences afterwards). */
export function withTerminalSafeStrings<T>(value: T): T {
  if (typeof value === 'string') return forTerminal(value) as T;
  if (Array.isArray(value)) return value.map((v) => withTerminalSafeStrings(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = withTerminalSafeStrings(v);
    return out as T;
  }
  return value;
}
