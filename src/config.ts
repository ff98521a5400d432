// The one typed, validated configuration of a run: CLI flags or Action inputs, over [tool.alembic-preflight] in
// pyproject.toml, over defaults. Nothing else in the code reads flags, inputs or the environment for settings.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { UserError } from './errors.ts';
import type { CheckId, Severity } from './report/model.ts';
import { parseLintConfig, type LintConfig } from './lint/config.ts';
import { addSecret } from './redact.ts';
import { parseDuration, readUrlSource, validateEnvVars } from './config-values.ts';
import { parseDataConfig, withDataCheck, type DataConfig } from './config-data.ts';
import { LOCK_TIME_KEYS, parseLockTimeConfig, type LockTimeConfig, type LockTimeRaw } from './config-sizes.ts';

import type { DatabaseChoice } from './database/select.ts';
export type { DatabaseChoice };

/** Checks that `check` runs by default, in the order they run. */
export const CHECK_ORDER: CheckId[] = ['graph', 'upgrade', 'roundtrip', 'stairway', 'data', 'drift', 'models-registered', 'lint'];
/** Checks that `check` runs when none are named. */
// `data` included: a migration's own Python code failing on generated rows is reported as "not checked on rows" (a
// notice), so its errors are the database's, on rows the schema allowed (the corpus: zenml, fittrackee).
export const DEFAULT_CHECKS: CheckId[] = [...CHECK_ORDER];

export interface DriftConfig {
  /** Table name patterns (glob: `*` and `?`, optionally schema-qualified) ignored by drift and live-drift. */
  ignoreTables: string[];
  /** Schemas ignored by live-drift. */
  ignoreSchemas: string[];
  /** Python packages whose modules define models (models-registered); empty: discovered from target_metadata. */
  modelPackages: string[];
}

export interface PullRequestScope {
  baseRef: string;
  baseSha?: string;
  /** Migration files (relative to the project directory) the PR adds. */
  newFiles: string[];
  /** Migration files that exist on the base branch and that the PR changes. */
  modifiedFiles: string[];
}

export interface Config {
  command: 'check' | 'drift';
  mode: 'full' | 'pr' | 'drift';
  /** The directory the tool was started in: report paths are relative to the project directory, shown from here. */
  cwd: string;
  /** Absolute directory of the Alembic project (holding alembic.ini or pyproject.toml). */
  projectDir: string;
  /** Absolute path of the Alembic config file, or null to let the driver find alembic.ini / pyproject.toml. */
  configFile: string | null;
  section: string;
  python: string;
  database: DatabaseChoice;
  /** More databases to run the same checks on (`--database sqlite,postgres`), merged into one report per dialect. */
  moreDatabases: DatabaseChoice[];
  postgresVersion?: string;
  /** Only when configured: a configured image sends `auto` to Docker; unset, postgres:<version or 17>-alpine. */
  postgresImage?: string;
  envVars: string[];
  /** Flask-Migrate projects: the app (`module:factory`, as FLASK_APP takes it); unset, FLASK_APP or Flask's discovery. */
  flaskApp?: string;
  checks: CheckId[];
  minDowngradeRevision?: string;
  failOn: Severity;
  format: 'text' | 'json';
  output?: string;
  sarif?: string;
  stairwayScope: 'all' | 'new';
  pr?: PullRequestScope;
  /** drift mode: the live database to compare (read-only). Never printed. */
  liveDatabaseUrl?: string;
  lint: LintConfig;
  drift: DriftConfig;
  verbose: boolean;
  /** How long one driver step may run without progress before it is stopped (0: no limit). Default 10 minutes. */
  stepTimeoutMs: number;
  /** [tool.alembic-preflight.data]: hand-written seeds and assertions per revision (config-data.ts). */
  data?: DataConfig;
  /** Lock time at production sizes: table sizes and max-lock-seconds (config-sizes.ts). */
  lockTime?: LockTimeConfig;
}

/** Flags and inputs as the user gave them: strings, unset when not given. */
export interface RawOptions extends LockTimeRaw {
  command?: 'check' | 'drift';
  mode?: string;
  dir?: string;
  config?: string;
  name?: string;
  python?: string;
  database?: string;
  postgresVersion?: string;
  postgresImage?: string;
  envVars?: string;
  flaskApp?: string;
  checks?: string;
  minDowngradeRevision?: string;
  failOn?: string;
  format?: string;
  output?: string;
  sarif?: string;
  stairwayScope?: string;
  databaseUrl?: string;
  verbose?: boolean;
  pr?: PullRequestScope;
  /** e.g. `10m`, `90s`, `0` (no limit). */
  stepTimeout?: string;
  /** The database URL (check: the server to create the throwaway database in; drift: the live database) read from
   * this environment variable or file instead of argv, where every local user can see it. */
  databaseUrlEnv?: string;
  databaseUrlFile?: string;
}

const PYPROJECT_KEYS = new Set([
  'config', 'name', 'python', 'database', 'postgres-version', 'postgres-image', 'env-vars', 'checks',
  'min-downgrade-revision', 'fail-on', 'stairway-scope', 'lint', 'drift', 'step-timeout', 'flask-app', 'data',
  ...LOCK_TIME_KEYS,
]);
const DRIFT_KEYS = new Set(['ignore-tables', 'ignore-schemas', 'model-packages']);
const SEVERITIES: Severity[] = ['error', 'warning', 'notice'];

function oneOf<T extends string>(value: string, allowed: readonly T[], what: string, input: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UserError(`${what} must be one of ${allowed.join(', ')}, not "${value}"`, { input });
}

function list(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = Array.isArray(value) ? value : value.split(/[,\s]+/);
  return items.map((s) => s.trim()).filter(Boolean);
}

function stringList(value: unknown, key: string, file: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return list(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw new UserError(`[tool.alembic-preflight] ${key} must be a string or a list of strings`, { file });
}

function stringValue(value: unknown, key: string, file: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  throw new UserError(`[tool.alembic-preflight] ${key} must be a string`, { file });
}

/** Reads [tool.alembic-preflight] from the project's pyproject.toml, if there is one. */
export function readProjectSection(projectDir: string): { file: string; table: Record<string, unknown> } | null {
  const file = join(projectDir, 'pyproject.toml');
  if (!existsSync(file)) return null;
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new UserError(`pyproject.toml is not valid TOML: ${(error as Error).message}`, { file });
  }
  const tool = doc.tool as Record<string, unknown> | undefined;
  const table = tool?.['alembic-preflight'];
  if (table === undefined) return null;
  if (typeof table !== 'object' || table === null || Array.isArray(table)) {
    throw new UserError('[tool.alembic-preflight] must be a table', { file });
  }
  for (const key of Object.keys(table)) {
    if (!PYPROJECT_KEYS.has(key)) {
      throw new UserError(`unknown key "${key}" in [tool.alembic-preflight] (known: ${[...PYPROJECT_KEYS].join(', ')})`, { file });
    }
  }
  return { file, table: table as Record<string, unknown> };
}

export function parseDatabase(value: string, input: string): DatabaseChoice {
  if (value.includes('://')) {
    if (!/^postgres(ql)?(\+\w+)?:\/\//.test(value)) {
      throw new UserError('a database URL must be a PostgreSQL server URL (postgresql://user:pass@host:port/db)', { input });
    }
    return { url: value };
  }
  return oneOf(value, ['auto', 'sqlite', 'postgres', 'postgres-local', 'postgres-docker'] as const, 'database', input);
}

/** `--database sqlite,postgres`: the databases to check on, in order (each run is merged into one report). */
export function parseDatabases(value: string, input: string): DatabaseChoice[] {
  if (value.includes('://') || !value.includes(',')) return [parseDatabase(value, input)];
  const list = value.split(',').map((v) => v.trim()).filter(Boolean).map((v) => parseDatabase(v, input));
  if (list.includes('auto')) throw new UserError('database: `auto` cannot be part of a list (name the databases: sqlite,postgres)', { input });
  return list;
}

function parseChecks(value: string[], input: string, mode: Config['mode']): CheckId[] {
  const known: CheckId[] = [...CHECK_ORDER, 'live-drift'];
  const unknown = value.filter((c) => !(known as string[]).includes(c));
  if (unknown.length) {
    throw new UserError(`unknown check ${unknown.map((c) => `"${c}"`).join(', ')} (known: ${CHECK_ORDER.join(', ')})`, { input });
  }
  const wanted = new Set(value as CheckId[]);
  // The graph check is what every other check stands on: it always runs.
  wanted.add('graph');
  if (mode === 'pr') wanted.add('pr-migrations');
  return [...CHECK_ORDER, 'pr-migrations' as CheckId].filter((c) => wanted.has(c));
}

export async function resolveConfig(raw: RawOptions, cwd = process.cwd()): Promise<Config> {
  const projectDir = resolve(cwd, raw.dir ?? '.');
  if (!existsSync(projectDir) || !statSync(projectDir).isDirectory()) {
    throw new UserError(`project directory ${raw.dir ?? '.'} does not exist`, { input: 'dir' });
  }
  const project = readProjectSection(projectDir);
  const file = project?.file ?? join(projectDir, 'pyproject.toml');
  const t = project?.table ?? {};

  const command = raw.command ?? 'check';
  const mode = oneOf(raw.mode ?? (command === 'drift' ? 'drift' : raw.pr ? 'pr' : 'full'), ['full', 'pr', 'drift'] as const, 'mode', 'mode');

  const configName = raw.config ?? stringValue(t.config, 'config', file);
  let configFile: string | null = null;
  if (configName) {
    configFile = isAbsolute(configName) ? configName : resolve(projectDir, configName);
    if (!existsSync(configFile)) {
      throw new UserError(`Alembic config file ${relative(cwd, configFile) || configName} does not exist`, { input: 'config', file: configName });
    }
  }

  const fromSource = readUrlSource(raw);
  if (fromSource) {
    addSecret(fromSource.url);
    if (command === 'drift') {
      if (raw.databaseUrl) throw new UserError(`give the live database URL once: --database-url or ${fromSource.input}`, { input: fromSource.input });
      raw = { ...raw, databaseUrl: fromSource.url };
    } else {
      if (raw.database) throw new UserError(`give the database once: --database or ${fromSource.input}`, { input: fromSource.input });
      if (!fromSource.url.includes('://')) throw new UserError(`${fromSource.input} must hold a postgresql:// server URL`, { input: fromSource.input });
      raw = { ...raw, database: fromSource.url };
    }
  }
  const databaseRaw = raw.database ?? stringValue(t.database, 'database', file) ?? 'auto';
  const [database, ...moreDatabases] = parseDatabases(databaseRaw, raw.database ? 'database' : `${file} database`);

  const checksRaw = list(raw.checks) ?? stringList(t.checks, 'checks', file);
  const data = parseDataConfig(t.data, file, projectDir);
  const defaultChecks = mode === 'drift' ? ['live-drift'] : withDataCheck(DEFAULT_CHECKS, data);
  const checks = parseChecks(checksRaw ?? defaultChecks, raw.checks ? 'checks' : file, mode);

  const failOn = oneOf(raw.failOn ?? stringValue(t['fail-on'], 'fail-on', file) ?? 'error', SEVERITIES, 'fail-on', 'fail-on');
  const format = oneOf(raw.format ?? 'text', ['text', 'json'] as const, 'format', 'format');
  const stairwayScope = oneOf(
    raw.stairwayScope ?? stringValue(t['stairway-scope'], 'stairway-scope', file) ?? (mode === 'pr' ? 'new' : 'all'),
    ['all', 'new'] as const, 'stairway-scope', 'stairway-scope');

  const driftTable = (t.drift ?? {}) as Record<string, unknown>;
  if (typeof driftTable !== 'object' || Array.isArray(driftTable)) {
    throw new UserError('[tool.alembic-preflight.drift] must be a table', { file });
  }
  for (const key of Object.keys(driftTable)) {
    if (!DRIFT_KEYS.has(key)) throw new UserError(`unknown key "${key}" in [tool.alembic-preflight.drift]`, { file });
  }

  if (mode === 'drift' && !raw.databaseUrl) {
    throw new UserError('drift mode needs the live database URL (--database-url, --database-url-env NAME, or the database-url input)', { input: 'database-url' });
  }
  if (mode === 'drift' && !/^postgres(ql)?(\+\w+)?:\/\//.test(raw.databaseUrl!)) {
    throw new UserError('drift mode compares a PostgreSQL database: --database-url must be a postgresql:// URL', { input: 'database-url' });
  }
  if (mode === 'drift' && database === 'sqlite') {
    // The expected schema must be built on the live database's own dialect, or every object would differ.
    throw new UserError('drift mode builds the expected schema on PostgreSQL: --database must be auto, postgres-local, postgres-docker or a server URL, not sqlite', { input: 'database' });
  }

  return {
    command,
    mode,
    cwd,
    projectDir,
    configFile,
    section: raw.name ?? stringValue(t.name, 'name', file) ?? 'alembic',
    python: interpreter(raw.python, cwd) ?? interpreter(stringValue(t.python, 'python', file), projectDir) ?? defaultPython(projectDir),
    database: database!,
    moreDatabases,
    postgresVersion: raw.postgresVersion ?? stringValue(t['postgres-version'], 'postgres-version', file),
    postgresImage: raw.postgresImage ?? stringValue(t['postgres-image'], 'postgres-image', file),
    envVars: validateEnvVars(list(raw.envVars) ?? stringList(t['env-vars'], 'env-vars', file) ?? ['DATABASE_URL'],
      raw.envVars ? 'env-vars' : `${file} env-vars`),
    flaskApp: raw.flaskApp ?? stringValue(t['flask-app'], 'flask-app', file),
    checks,
    minDowngradeRevision: raw.minDowngradeRevision ?? stringValue(t['min-downgrade-revision'], 'min-downgrade-revision', file),
    failOn,
    format,
    output: writablePath(raw.output, cwd, 'output'),
    sarif: writablePath(raw.sarif, cwd, 'sarif'),
    stairwayScope,
    pr: raw.pr,
    liveDatabaseUrl: raw.databaseUrl,
    lint: parseLintConfig(t.lint ?? {}, file),
    drift: {
      ignoreTables: stringList(driftTable['ignore-tables'], 'drift.ignore-tables', file) ?? [],
      ignoreSchemas: stringList(driftTable['ignore-schemas'], 'drift.ignore-schemas', file) ?? [],
      modelPackages: stringList(driftTable['model-packages'], 'drift.model-packages', file) ?? [],
    },
    verbose: raw.verbose ?? false,
    stepTimeoutMs: parseDuration(raw.stepTimeout ?? stringValue(t['step-timeout'], 'step-timeout', file) ?? '10m',
      raw.stepTimeout ? 'step-timeout' : `${file} step-timeout`),
    data,
    lockTime: parseLockTimeConfig(raw, t, file, cwd),
  };
}

/** An output file, checked before the run rather than after it: its directory exists and it is not one. */
function writablePath(value: string | undefined, cwd: string, input: string): string | undefined {
  if (!value) return undefined;
  const path = resolve(cwd, value);
  if (existsSync(path) && statSync(path).isDirectory()) throw new UserError(`--${input} ${value} is a directory, not a file`, { input });
  const dir = dirname(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`--${input} ${value}: directory ${dirname(value)} does not exist`, { input });
  return path;
}

/** A path with a slash is relative to where it was given (the shell's directory for a flag, the project's for
 * pyproject.toml); a bare name (`python3`) is looked up on PATH. */
function interpreter(value: string | undefined, base: string): string | undefined {
  if (!value) return undefined;
  return value.includes('/') ? resolve(base, value) : value;
}

/** The project's own venv when it has one (`.venv`, `venv`, next to alembic.ini or above it), else python3. */
function defaultPython(projectDir: string): string {
  let dir = projectDir;
  for (let i = 0; i < 4; i++) {
    for (const name of ['.venv', 'venv']) {
      const candidate = join(dir, name, 'bin', 'python');
      if (existsSync(candidate)) return candidate;
    }
    const parent = resolve(dir, '..');
    if (parent === dir) break;
    dir = parent;
  }
  return 'python3';
}
