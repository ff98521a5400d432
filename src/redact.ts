// Keeps passwords out of every line we print: database URLs' passwords are registered as secrets, and
// every log line and error message passes through redact() on its way out.

const secrets = new Set<string>();

/** Registers a secret; for a URL, its password (and the URL itself). */
export function addSecret(value: string | undefined): void {
  if (!value) return;
  const password = passwordOf(value);
  if (password) secrets.add(password);
  if (value.length >= 4 && !value.includes('://')) secrets.add(value);
}

function passwordOf(url: string): string | null {
  const m = /^[a-z][\w+.-]*:\/\/[^:/@\s]*:([^@\s]*)@/i.exec(url);
  if (!m?.[1]) return null;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    // A password that is not valid percent-encoding is used as written.
    return m[1];
  }
}

/** Masks registered secrets and the password part of any URL in the text. */
export function redact(text: string): string {
  let out = text.replace(/(\b[a-z][\w+.-]*:\/\/[^:/@\s]*:)([^@\s]+)@/gi, '$1***@');
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out;
}

export function registeredSecrets(): string[] {
  return [...secrets];
}
