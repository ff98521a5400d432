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

/** What the project's interpreter has: importable DBAPI modules and SQLAlchemy's default driver per dialect. */
export interface InstalledDrivers {
  installed: string[];
  defaults: Record<string, string>;
}

export interface DriverChoice {
  /** The SQLAlchemy driver to put in the throwaway URL; null keeps the dialect's default (pysqlite for SQLite). */
  driver: string | null;
  /** The driver env.py really gets (`pysqlite` for null on SQLite). */
  name: string;
  /** Why this one: named by the project (its URL, an environment variable, --database), the one installed, ... */
  reason: string;
}

const ASYNC_CAPABLE = new Set(['asyncpg', 'psycopg', 'psycopg_async', 'aiosqlite']);
const SYNC_PG = ['psycopg2', 'psycopg', 'pg8000'];

/**
 * The driver env.py gets for a throwaway database of `dialect`. The one the project names wins (the --database URL,
 * then sqlalchemy.url / the environment variable's value). Else the one installed in the project's interpreter: a
 * driverless postgresql:// means psycopg 3 on SQLAlchemy 2.1, which a psycopg2-only venv cannot load. An async
 * env.py gets an async driver, unless the project named its dialect without one (an env.py that runs async only
 * for PostgreSQL, its ini saying sqlite://, gets sqlite://).
 */
export function chooseDriver(
  dialect: 'postgresql' | 'sqlite',
  project: { driver: string | null; source: string } | null,
  asyncEnv: boolean,
  drivers: InstalledDrivers | undefined,
): DriverChoice {
  const has = (module: string) => drivers?.installed.includes(module) ?? false;
  const dflt = drivers?.defaults[dialect] ?? (dialect === 'sqlite' ? 'pysqlite' : 'psycopg2');
  if (project?.driver) return { driver: project.driver, name: project.driver, reason: `named by ${project.source}` };
  if (dialect === 'sqlite') {
    if (asyncEnv && !project) return { driver: 'aiosqlite', name: 'aiosqlite', reason: 'async env.py, no URL names a driver' };
    return { driver: null, name: 'pysqlite', reason: project ? `SQLite as ${project.source} names it` : 'the default' };
  }
  const why = project ? `${project.source} names none` : 'no URL names one';
  if (asyncEnv) {
    if (project && ASYNC_CAPABLE.has(dflt) && has(dflt)) return { driver: dflt, name: dflt, reason: `SQLAlchemy's default (${why})` };
    const found = ['asyncpg', 'psycopg'].find(has);
    return found
      ? { driver: found, name: found, reason: `installed, for an async env.py (${why})` }
      : { driver: 'asyncpg', name: 'asyncpg', reason: `async env.py (${why}); not installed` };
  }
  if (has(dflt)) return { driver: dflt, name: dflt, reason: `SQLAlchemy's default, installed (${why})` };
  const found = SYNC_PG.find(has);
  if (found) return { driver: found, name: found, reason: `installed (${why}; SQLAlchemy's default ${dflt} is not)` };
  return { driver: dflt, name: dflt, reason: `SQLAlchemy's default (${why}); not installed` };
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
