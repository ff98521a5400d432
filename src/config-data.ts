// Reads and validates `[tool.alembic-preflight.data]`: hand-written rows and assertions per revision, for the `data`
// check (the driver's data_hand.py runs them). Anything unknown, missing or malformed is a UserError naming the key
// and the file. Revision ids are checked once the graph is known (resolveDataRevisions).
//
//   [tool.alembic-preflight.data]
//   generate = false                         # also insert generated rows (default: only yours)
//   [tool.alembic-preflight.data.revisions."ab12cd34"]
//   seed = ["tests/data/ab12_seed.sql", "tests/data/seeds.py:seed_users"]     # before ab12cd34 is upgraded
//   assert = ["tests/data/ab12_check.sql", "tests/data/checks.py:check_emails",
//             "SELECT id FROM users WHERE plan IS NULL"]                     # after it is upgraded
//   rows = { users = [{ id = 1, email = "ada@example.com" }] }               # before it, ahead of `seed`
//
// Paths are relative to the pyproject.toml's directory. A `.sql` seed runs as written; a `.py` seed is a function
// `seed(connection)` (or the one named after `:`) given a SQLAlchemy Connection. An SQL assertion fails when it
// returns rows (the offending rows); a `.py` assertion is a function `check(connection)` (or the one named) that
// fails by raising AssertionError.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { UserError } from './errors.ts';
import type { CheckId } from './report/model.ts';

/** One seed or assertion, as the driver runs it. */
export interface DataScript {
  /** `sql`: a .sql file (path) or a query written in pyproject.toml (sql); `python`: a function in a .py file;
   * `rows`: rows written in pyproject.toml for one table (as pytest-alembic's revision data). */
  kind: 'sql' | 'python' | 'rows';
  /** As the report names it: the path relative to the project directory (with `:function`), or the query. */
  name: string;
  /** Absolute path of the file (absent for a query written in pyproject.toml). */
  path?: string;
  /** The query text of an SQL file or of one written inline. */
  sql?: string;
  /** python: the function's name. */
  function?: string;
  /** rows: the table (`name` or `schema.name`) and its rows, each inserted with its own columns. */
  table?: string;
  rows?: Record<string, unknown>[];
}

export interface DataRevisionConfig {
  seed: DataScript[];
  assert: DataScript[];
}

export interface DataConfig {
  /** The pyproject.toml it came from (errors name it). */
  file: string;
  /** The same, relative to the project directory (findings about rows written in it name it). */
  shownFile: string;
  /** Generated rows as well as the hand-written ones (default false: only yours, as pytest-alembic has it). */
  generate: boolean;
  /** Keyed by revision id as written; full ids once resolveDataRevisions ran. */
  revisions: Record<string, DataRevisionConfig>;
}

const KEYS = new Set(['generate', 'revisions']);
const REVISION_KEYS = new Set(['seed', 'assert', 'rows']);
const SECTION = '[tool.alembic-preflight.data]';

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function entries(value: unknown, key: string, file: string): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw new UserError(`${key} must be a string or a list of strings`, { file });
}

/** `path.py:function`, `path.py`, `path.sql`, or (assertions only) a SELECT written out. */
function script(entry: string, role: 'seed' | 'assert', key: string, file: string, baseDir: string, projectDir: string): DataScript {
  const text = entry.trim();
  const py = /^(.+\.py)(?::([A-Za-z_][A-Za-z0-9_]*))?$/.exec(text);
  if (py || /\.sql$/i.test(text)) {
    const path = resolve(baseDir, py ? py[1]! : text);
    if (!existsSync(path) || !statSync(path).isFile()) {
      throw new UserError(`${key}: file ${py ? py[1] : text} does not exist (paths are relative to ${relative(projectDir, file) || file})`, { file });
    }
    const shown = relative(projectDir, path) || path;
    if (!py) return { kind: 'sql', name: shown, path, sql: readFileSync(path, 'utf8') };
    const fn = py[2] ?? (role === 'seed' ? 'seed' : 'check');
    const source = readFileSync(path, 'utf8');
    if (new RegExp(`^async\\s+def\\s+${fn}\\s*\\(`, 'm').test(source)) {
      throw new UserError(`${key}: ${shown}: ${fn} is async; it is called with a (sync) SQLAlchemy Connection: make it a plain def`, { file });
    }
    if (!new RegExp(`^def\\s+${fn}\\s*\\(`, 'm').test(source)) {
      throw new UserError(`${key}: ${shown} defines no function ${fn}(connection)`, { file });
    }
    return { kind: 'python', name: `${shown}:${fn}`, path, function: fn };
  }
  if (role === 'assert' && /^(select|with)\b/i.test(text)) return { kind: 'sql', name: text.replace(/\s+/g, ' '), sql: text };
  throw new UserError(`${key}: "${entry}" is not a .sql or .py file${role === 'assert' ? ' nor a SELECT query' : ''}`, { file });
}

/** `rows = { users = [{ id = 1, ... }] }`: one seed per table, values as TOML gives them (dates as ISO text,
 * arrays and tables as JSON text). */
function tableRows(value: unknown, key: string, file: string): DataScript[] {
  if (value === undefined) return [];
  if (!isTable(value)) throw new UserError(`${key} must be a table of tables: rows = { users = [{ id = 1 }] }`, { file });
  return Object.entries(value).map(([table, list]) => {
    if (!Array.isArray(list) || !list.every(isTable)) {
      throw new UserError(`${key}.${table} must be a list of rows (tables): ${table} = [{ id = 1 }]`, { file });
    }
    const rows = list.map((row) => Object.fromEntries(Object.entries(row).map(([c, v]) => [c,
      v instanceof Date ? v.toISOString() : typeof v === 'object' && v !== null ? JSON.stringify(v) : v])));
    return { kind: 'rows' as const, name: `rows of ${table} (${rows.length})`, table, rows };
  });
}

/** The section as written (undefined: no section). Paths are checked here; revision ids by resolveDataRevisions. */
export function parseDataConfig(raw: unknown, file: string, projectDir: string): DataConfig | undefined {
  if (raw === undefined) return undefined;
  if (!isTable(raw)) throw new UserError(`${SECTION} must be a table`, { file });
  for (const key of Object.keys(raw)) {
    if (!KEYS.has(key)) throw new UserError(`unknown key "${key}" in ${SECTION} (known: ${[...KEYS].join(', ')})`, { file });
  }
  if (raw.generate !== undefined && typeof raw.generate !== 'boolean') {
    throw new UserError(`${SECTION} generate must be true or false`, { file });
  }
  const revisionsRaw = raw.revisions ?? {};
  if (!isTable(revisionsRaw)) throw new UserError(`[tool.alembic-preflight.data.revisions] must be a table of revisions`, { file });
  const baseDir = dirname(file);
  const revisions: Record<string, DataRevisionConfig> = {};
  for (const [revision, table] of Object.entries(revisionsRaw)) {
    const where = `[tool.alembic-preflight.data.revisions."${revision}"]`;
    if (!isTable(table)) throw new UserError(`${where} must be a table (seed = [...], assert = [...])`, { file });
    for (const key of Object.keys(table)) {
      if (!REVISION_KEYS.has(key)) throw new UserError(`unknown key "${key}" in ${where} (known: seed, assert, rows)`, { file });
    }
    revisions[revision] = {
      seed: [...tableRows(table.rows, `${where} rows`, file),
        ...entries(table.seed, `${where} seed`, file).map((e) => script(e, 'seed', `${where} seed`, file, baseDir, projectDir))],
      assert: entries(table.assert, `${where} assert`, file).map((e) => script(e, 'assert', `${where} assert`, file, baseDir, projectDir)),
    };
  }
  return { file, shownFile: relative(projectDir, file) || 'pyproject.toml', generate: raw.generate === true, revisions };
}

/** The checks to run when none are named: the section asks for the data check. */
export function withDataCheck(defaults: CheckId[], data: DataConfig | undefined): CheckId[] {
  return data && !defaults.includes('data') ? [...defaults, 'data'] : defaults;
}

/** The section's revision ids as full ids of this project (a unique prefix is enough, as Alembic takes it). */
export function resolveDataRevisions(data: DataConfig, revisions: string[]): DataConfig {
  const out: Record<string, DataRevisionConfig> = {};
  for (const [id, spec] of Object.entries(data.revisions)) {
    const matches = revisions.includes(id) ? [id] : revisions.filter((r) => r.startsWith(id));
    if (matches.length !== 1) {
      throw new UserError(matches.length
        ? `[tool.alembic-preflight.data.revisions."${id}"]: "${id}" names several revisions (${matches.join(', ')})`
        : `[tool.alembic-preflight.data.revisions."${id}"]: no revision "${id}" in this project`, { file: data.file });
    }
    const full = matches[0]!;
    if (out[full]) throw new UserError(`[tool.alembic-preflight.data.revisions]: revision ${full} is named twice`, { file: data.file });
    out[full] = spec;
  }
  return { ...data, revisions: out };
}
