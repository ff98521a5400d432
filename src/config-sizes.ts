// Lock time at production sizes, configured: how many rows each table holds in production
// (`[tool.alembic-preflight.table-sizes]`, or the table statistics a nightly `drift` run stored in its JSON report,
// read back with `--table-sizes-from report.json`), and the longest lock a statement may hold
// (`max-lock-seconds` / `--max-lock-seconds`). Anything malformed is a UserError naming the key.
//
//   [tool.alembic-preflight]
//   max-lock-seconds = 5
//   [tool.alembic-preflight.table-sizes]
//   users = 50_000_000            # any schema
//   "billing.invoices" = "12M"    # schema-qualified; k, M and B suffixes allowed in strings

import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from './errors.ts';
import { reportProblem } from './report/json.ts';
import type { TableSize } from './report/model.ts';

export interface LockTimeConfig {
  /** Rows per table from pyproject, keyed as written (`users` or `schema.users`, lower-cased). */
  tableSizes: Record<string, number>;
  /** Table statistics read back from a drift report (`--table-sizes-from`), and the file they came from. */
  reportSizes: TableSize[];
  reportFile?: string;
  /** A statement whose estimated lock time exceeds this many seconds is an error (lock-time-exceeds). */
  maxLockSeconds?: number;
}

export interface LockTimeRaw {
  /** `--max-lock-seconds` / the `max-lock-seconds` input, as given. */
  maxLockSeconds?: string;
  /** `--table-sizes-from` / the `table-sizes-from` input: a JSON report of `alembic-preflight drift`. */
  tableSizesFrom?: string;
}

/** The keys this file reads from [tool.alembic-preflight]. */
export const LOCK_TIME_KEYS = ['table-sizes', 'max-lock-seconds'] as const;

const SUFFIX: Record<string, number> = { k: 1e3, m: 1e6, b: 1e9 };
const NAME = /^[^.\s"]+(\.[^.\s"]+)?$/;

/** `50_000_000`, 50000000, "50M", "1.5B", "20k" → rows; null when it is not a whole, non-negative row count. */
export function parseRowCount(value: unknown): number | null {
  if (typeof value === 'number' || typeof value === 'bigint') {
    const n = Number(value);
    return Number.isSafeInteger(n) && n >= 0 ? n : null;
  }
  if (typeof value !== 'string') return null;
  const m = /^\s*(\d+(?:[_,]\d+)*(?:\.\d+)?)\s*([kmb])?\s*$/i.exec(value);
  if (!m) return null;
  const n = Math.round(Number(m[1]!.replace(/[_,]/g, '')) * (m[2] ? SUFFIX[m[2].toLowerCase()]! : 1));
  return Number.isSafeInteger(n) ? n : null;
}

function parseSeconds(value: unknown, where: string, input: { file?: string; input?: string }): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+(\.\d+)?\s*s?\s*$/.test(value) ? parseFloat(value) : NaN;
  if (!Number.isFinite(n) || n <= 0) {
    throw new UserError(`${where} must be a positive number of seconds (e.g. 5), not ${JSON.stringify(value)}`, input);
  }
  return n;
}

export function parseLockTimeConfig(raw: LockTimeRaw, t: Record<string, unknown>, file: string, cwd: string): LockTimeConfig {
  const config: LockTimeConfig = { tableSizes: {}, reportSizes: [] };
  const sizes = t['table-sizes'];
  if (sizes !== undefined) {
    if (typeof sizes !== 'object' || sizes === null || Array.isArray(sizes)) {
      throw new UserError('[tool.alembic-preflight.table-sizes] must be a table of table = rows (users = 50_000_000)', { file });
    }
    for (const [key, value] of Object.entries(sizes as Record<string, unknown>)) {
      if (!NAME.test(key)) {
        throw new UserError(`[tool.alembic-preflight.table-sizes] "${key}" is not a table name (write users or "schema.users")`, { file });
      }
      const rows = parseRowCount(value);
      if (rows === null) {
        throw new UserError(`[tool.alembic-preflight.table-sizes] ${key} must be a whole number of rows (e.g. ${key} = 50_000_000 or "50M"), not ${JSON.stringify(value)}`, { file });
      }
      config.tableSizes[key.toLowerCase()] = rows;
    }
  }
  if (raw.maxLockSeconds !== undefined && raw.maxLockSeconds !== '') {
    config.maxLockSeconds = parseSeconds(raw.maxLockSeconds, 'max-lock-seconds', { input: 'max-lock-seconds' });
  } else if (t['max-lock-seconds'] !== undefined) {
    config.maxLockSeconds = parseSeconds(t['max-lock-seconds'], '[tool.alembic-preflight] max-lock-seconds', { file });
  }
  if (raw.tableSizesFrom) {
    config.reportFile = resolve(cwd, raw.tableSizesFrom);
    config.reportSizes = readReportSizes(config.reportFile, raw.tableSizesFrom);
  }
  return config;
}

/** The table statistics of a drift report (`alembic-preflight drift --output report.json`). */
export function readReportSizes(path: string, shown = path): TableSize[] {
  const input = { input: 'table-sizes-from', file: shown };
  if (!existsSync(path)) throw new UserError(`table-sizes-from: ${shown} does not exist`, input);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UserError(`table-sizes-from: ${shown} is not valid JSON: ${(error as Error).message}`, input);
  }
  const problem = reportProblem(data);
  if (problem) throw new UserError(`table-sizes-from: ${shown} is not an alembic-preflight report: ${problem}`, input);
  const sizes = (data as { tableSizes?: unknown }).tableSizes;
  if (!Array.isArray(sizes)) {
    throw new UserError(`table-sizes-from: ${shown} has no table sizes: write it with \`alembic-preflight drift --output ${shown}\` (the nightly drift job)`, input);
  }
  const out: TableSize[] = [];
  for (const [i, s] of sizes.entries()) {
    const ok = typeof s === 'object' && s !== null && typeof s.schema === 'string' && typeof s.table === 'string'
      && typeof s.rows === 'number' && Number.isFinite(s.rows) && s.rows >= 0 && (s.bytes === undefined || typeof s.bytes === 'number');
    if (!ok) throw new UserError(`table-sizes-from: ${shown}: tableSizes[${i}] needs schema, table and rows (a number ≥ 0)`, input);
    out.push({ schema: s.schema, table: s.table, rows: Math.round(s.rows), bytes: s.bytes });
  }
  return out;
}

/** Rows of a table (`schema`, `name` as PostgreSQL names them) and where that number comes from, or null. */
export function tableSize(config: LockTimeConfig | undefined, schema: string, name: string): { rows: number; source: string } | null {
  if (!config) return null;
  const qualified = `${schema}.${name}`.toLowerCase();
  const given = config.tableSizes[qualified] ?? config.tableSizes[name.toLowerCase()];
  if (given !== undefined) return { rows: given, source: 'table-sizes' };
  const read = config.reportSizes.find((s) => s.schema === schema && s.table === name)
    ?? config.reportSizes.find((s) => s.schema.toLowerCase() === schema.toLowerCase() && s.table.toLowerCase() === name.toLowerCase());
  if (read) return { rows: read.rows, source: 'the drift report' };
  return null;
}

/** Whether any size is known: without one there is nothing to estimate, and nothing is measured. */
export function hasTableSizes(config: LockTimeConfig | undefined): boolean {
  return !!config && (Object.keys(config.tableSizes).length > 0 || config.reportSizes.length > 0);
}
