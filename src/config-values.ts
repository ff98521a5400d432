// Parsers for configuration values that need more than a list of choices: durations (`--step-timeout 10m`), the
// environment variable names env.py reads the URL from, and a database URL taken from the environment or a file.

import { readFileSync } from 'node:fs';
import { UserError } from './errors.ts';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `10m`, `90s`, `1h`, `1500ms`, a bare number of seconds; `0`, `off` or `none` for no limit. In milliseconds. */
export function parseDuration(value: string, input: string): number {
  const text = value.trim().toLowerCase();
  if (text === '0' || text === 'off' || text === 'none') return 0;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(text);
  if (!m) {
    throw new UserError(`${input} must be a duration such as 10m, 90s or 1h (or 0 for no limit), not "${value}"`, { input });
  }
  const ms = Math.round(Number(m[1]) * UNITS[m[2] ?? 's']!);
  if (ms < 1000) throw new UserError(`${input} must be at least 1s, not "${value}"`, { input });
  return ms;
}

/**
 * Names that must never be set to the database URL: setting them would change which programs, libraries or Python
 * modules run (PATH, LD_PRELOAD, PYTHONPATH...), where files go (HOME, TMPDIR), or steer libpq (PGHOST...).
 */
const REFUSED_EXACT = new Set([
  'PATH', 'HOME', 'PWD', 'OLDPWD', 'SHELL', 'USER', 'LOGNAME', 'TMPDIR', 'TMP', 'TEMP', 'IFS', 'ENV', 'BASH_ENV',
  'CDPATH', 'LANG', 'LANGUAGE', 'TZ', 'TERM', 'DISPLAY', 'MAIL', 'HOSTNAME', 'SSL_CERT_FILE', 'SSL_CERT_DIR',
  'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'VIRTUAL_ENV', 'CONDA_PREFIX',
  'PGHOST', 'PGHOSTADDR', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD', 'PGPASSFILE', 'PGSERVICE',
  'PGSERVICEFILE', 'PGOPTIONS', 'PGAPPNAME', 'PGSYSCONFDIR', 'PGCLIENTENCODING', 'PGCONNECT_TIMEOUT',
  'PGTARGETSESSIONATTRS',
]);
const REFUSED_PREFIXES = ['LD_', 'DYLD_', 'PYTHON', 'NODE_', 'LC_', 'GIT_', 'PGSSL', 'PGGSS', 'PGKRB', 'PIP_', 'UV_'];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The env-vars entries (NAME or NAME=template), checked: valid names, none that would change how the interpreter
 * or libpq behave. */
export function validateEnvVars(names: string[], input: string): string[] {
  if (names.length === 0) throw new UserError(`${input} must name at least one environment variable`, { input });
  for (const entry of names) {
    // An entry is NAME or NAME=template (env-values.ts); the name is what is checked here.
    const eq = entry.indexOf('=');
    const name = (eq === -1 ? entry : entry.slice(0, eq)).trim();
    if (!NAME.test(name)) {
      throw new UserError(`${input}: "${name}" is not a valid environment variable name (letters, digits, _; not starting with a digit)`, { input });
    }
    const upper = name.toUpperCase();
    if (REFUSED_EXACT.has(upper) || REFUSED_PREFIXES.some((p) => upper.startsWith(p))) {
      throw new UserError(
        `${input}: refusing to set ${name} to the database URL: it changes how the Python interpreter, the system or libpq behave`,
        { input },
        'Name the variable your env.py reads the database URL from (for example DATABASE_URL or SQLALCHEMY_URL).',
      );
    }
  }
  return names;
}

/** The database URL from `--database-url-env NAME` or `--database-url-file PATH`, or null when neither is given. */
export function readUrlSource(raw: { databaseUrlEnv?: string; databaseUrlFile?: string }): { url: string; input: string } | null {
  if (raw.databaseUrlEnv && raw.databaseUrlFile) {
    throw new UserError('give --database-url-env or --database-url-file, not both', { input: 'database-url-env' });
  }
  if (raw.databaseUrlEnv) {
    const name = raw.databaseUrlEnv;
    if (!NAME.test(name)) throw new UserError(`database-url-env: "${name}" is not a valid environment variable name`, { input: 'database-url-env' });
    const url = process.env[name]?.trim();
    if (!url) throw new UserError(`database-url-env: the environment variable ${name} is not set or empty`, { input: 'database-url-env' });
    return { url, input: `database-url-env (${name})` };
  }
  if (raw.databaseUrlFile) {
    let text: string;
    try {
      text = readFileSync(raw.databaseUrlFile, 'utf8');
    } catch (error) {
      throw new UserError(`database-url-file: cannot read ${raw.databaseUrlFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { input: 'database-url-file' });
    }
    const url = text.trim();
    if (!url) throw new UserError(`database-url-file: ${raw.databaseUrlFile} is empty`, { input: 'database-url-file' });
    return { url, input: `database-url-file (${raw.databaseUrlFile})` };
  }
  return null;
}
