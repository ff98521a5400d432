// Keeps passwords out of every line we print: database URLs' passwords are registered as secrets, and every log
// line and error message passes through redact() on its way out. Linear in the text: a 200 KB line masks in ms.

const secrets = new Set<string>();

/**
 * Default passwords of CI services and examples: masked where they stand as a password (a URL's user-info, a
 * `password=` parameter), but not as free text, where they are ordinary words of our own output (`postgres-url`).
 */
const PLACEHOLDER_PASSWORDS = new Set(['postgres', 'password', 'secret', 'admin', 'root', 'test', 'example', 'changeme', 'pass', 'user', 'app']);

function register(secret: string): void {
  if (secret.length >= 4 && !PLACEHOLDER_PASSWORDS.has(secret.toLowerCase())) secrets.add(secret);
}

/** Registers a secret; for a URL, its passwords (user-info and `password=` query forms, raw and decoded). */
export function addSecret(value: string | undefined): void {
  if (!value) return;
  for (const password of urlPasswords(value)) {
    register(password);
    register(safeDecode(password));
  }
  if (!value.includes('://')) register(value);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch (error) {
    // A password that is not valid percent-encoding is used as written.
    if (error instanceof URIError) return text;
    throw error;
  }
}

const MAX_SCHEME = 40;
const isSchemeChar = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 43 || c === 46 || c === 45;
const isLetter = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
/** Where a URL written in running text ends: whitespace, quotes, angle brackets, backtick. */
const endsToken = (c: number) => c <= 32 || c === 34 || c === 39 || c === 60 || c === 62 || c === 96 || c === 127;

interface UrlSpan {
  /** Index of the first character of the password (after `user:`), and one past its end (the `@`). */
  passwordStart: number;
  passwordEnd: number;
  /** One past the end of the URL token: scanning goes on from here, so each character is looked at O(1) times. */
  end: number;
}

/**
 * Every `scheme://user:password@...` in the text, left to right, in one pass. The user info ends at the LAST `@`
 * before the query: a password with an unencoded `@` (or `/`) is masked whole, not just up to its first `@`.
 */
function* urlSpans(text: string): Generator<UrlSpan> {
  let from = 0;
  let floor = 0;
  for (;;) {
    const sep = text.indexOf('://', from);
    if (sep === -1) return;
    let start = sep;
    while (start > floor && sep - start < MAX_SCHEME && isSchemeChar(text.charCodeAt(start - 1))) start--;
    while (start < sep && !isLetter(text.charCodeAt(start))) start++;
    let end = sep + 3;
    let query = -1;
    let lastAt = -1;
    let firstColon = -1;
    for (; end < text.length; end++) {
      const c = text.charCodeAt(end);
      if (endsToken(c)) break;
      if (query !== -1) continue;
      if (c === 63 || c === 35) query = end; // ? #
      else if (c === 64) lastAt = end; // @
      else if (c === 58 && firstColon === -1) firstColon = end; // :
    }
    if (start < sep && lastAt !== -1 && firstColon !== -1 && firstColon < lastAt) {
      yield { passwordStart: firstColon + 1, passwordEnd: lastAt, end };
    }
    from = end > sep + 3 ? end : sep + 3;
    floor = from;
  }
}

/** `password=...` in a query string or a libpq keyword/value string (`host=x password=y`), quoted or not. */
const PASSWORD_PARAM = /(\bpassword\s*=\s*)('[^'\n]{0,256}'|[^\s&#;'"]*)/gi;

/** The passwords a URL (or a libpq conninfo string) carries, as written in it. */
export function urlPasswords(url: string): string[] {
  const found: string[] = [];
  for (const span of urlSpans(url)) {
    const p = url.slice(span.passwordStart, span.passwordEnd);
    if (p) found.push(p);
  }
  for (const m of url.matchAll(PASSWORD_PARAM)) {
    const p = m[2]!.replace(/^'(.*)'$/s, '$1');
    if (p) found.push(p);
  }
  return found;
}

/** The password part of every URL in the text, and every `password=` parameter, replaced by `***`. */
export function maskPasswords(text: string): string {
  let out = '';
  let last = 0;
  for (const span of urlSpans(text)) {
    out += `${text.slice(last, span.passwordStart)}***`;
    last = span.passwordEnd;
  }
  out += text.slice(last);
  return out.replace(PASSWORD_PARAM, (_m, key: string, value: string) => (value ? `${key}***` : key));
}

/** Masks registered secrets and the password part of any URL in the text. */
export function redact(text: string): string {
  let out = maskPasswords(text);
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out;
}

export function registeredSecrets(): string[] {
  return [...secrets];
}
