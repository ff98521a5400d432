// Database URL helpers: mask the password for logs, set or drop the driver part, swap the database name.
// They work on SQLAlchemy-style URLs (`postgresql+asyncpg://u:p@h:5432/db?x=y`, `sqlite+aiosqlite:////abs/x.db`).

import { maskPasswords } from '../redact.ts';

const SCHEME = /^([A-Za-z][A-Za-z0-9.-]*)(?:\+([A-Za-z0-9_.-]+))?:\/\//;

export interface UrlScheme {
  /** `postgresql` (also for `postgres://`), `sqlite`, `mysql`, ... */
  dialect: string;
  /** The SQLAlchemy driver part, e.g. `asyncpg`, or null. */
  driver: string | null;
}

export function urlScheme(url: string): UrlScheme | null {
  const m = SCHEME.exec(url);
  if (!m) return null;
  const dialect = m[1]!.toLowerCase();
  return { dialect: dialect === 'postgres' ? 'postgresql' : dialect, driver: m[2] ?? null };
}

/** The URL with its password (in the user-info part and in a `password=` query parameter) replaced by `***`. */
export function maskUrl(url: string): string {
  return maskPasswords(url);
}

/** Masks every URL-looking substring of a message (for errors that echo a connection string). Linear. */
export function maskUrlsIn(text: string): string {
  return maskPasswords(text);
}

/** The async driver SQLAlchemy users pick for each dialect, for an async env.py whose URL names none. */
const DEFAULT_ASYNC_DRIVER: Record<string, string> = { postgresql: 'asyncpg', sqlite: 'aiosqlite' };

/**
 * Sets the driver part: withDriver('postgresql://x/db', 'asyncpg') → 'postgresql+asyncpg://x/db'; null removes it,
 * unless `asyncEnv` says env.py builds an async engine, which needs an async driver (asyncpg / aiosqlite).
 */
export function withDriver(url: string, driver: string | null, asyncEnv = false): string {
  const scheme = urlScheme(url);
  if (!scheme) throw new TypeError(`not a database URL: ${maskUrl(url)}`);
  const rest = url.replace(SCHEME, '');
  const chosen = driver ?? (asyncEnv ? (DEFAULT_ASYNC_DRIVER[scheme.dialect] ?? null) : null);
  return `${scheme.dialect}${chosen ? `+${chosen}` : ''}://${chosen === 'pg8000' ? pg8000Socket(rest) : rest}`;
}

/** pg8000 takes a socket as `unix_sock=/dir/.s.PGSQL.5432`, not libpq's `host=/dir` (which it would try over TCP). */
function pg8000Socket(rest: string): string {
  const q = rest.indexOf('?');
  if (q === -1) return rest;
  const params = rest.slice(q + 1).split('&');
  const host = params.find((p) => p.startsWith('host=/'));
  if (!host) return rest;
  const port = params.find((p) => p.startsWith('port='))?.slice(5) ?? '5432';
  const kept = params.filter((p) => !p.startsWith('host=') && !p.startsWith('port='));
  kept.push(`unix_sock=${host.slice(5)}/.s.PGSQL.${port}`);
  return `${rest.slice(0, q)}?${kept.join('&')}`;
}

function splitPath(url: string): { head: string; path: string; tail: string } {
  const afterScheme = url.indexOf('://') + 3;
  const query = url.search(/[?#]/);
  // The user info ends at the last '@' before the query: a password may hold an unencoded '@'.
  const at = url.lastIndexOf('@', query === -1 ? url.length : query);
  const hostStart = at < afterScheme ? afterScheme : at + 1;
  const slash = url.indexOf('/', hostStart);
  const pathEnd = query === -1 ? url.length : query;
  if (slash === -1 || (query !== -1 && slash > query)) {
    return { head: url.slice(0, pathEnd), path: '', tail: url.slice(pathEnd) };
  }
  return { head: url.slice(0, slash), path: url.slice(slash + 1, pathEnd), tail: url.slice(pathEnd) };
}

/** The database name of a server URL (decoded), or null when the URL has none. */
export function databaseName(url: string): string | null {
  const { path } = splitPath(url);
  return path ? decodeURIComponent(path) : null;
}

/** The same server URL pointing at another database. */
export function withDatabase(url: string, name: string): string {
  const { head, tail } = splitPath(url);
  return `${head}/${encodeURIComponent(name)}${tail}`;
}

/** `sqlite:////abs/path.db` for an absolute file path (SQLAlchemy's four-slash form). */
export function sqliteUrl(absolutePath: string): string {
  return `sqlite:///${absolutePath}`;
}
