// The JSON reporter and its reader: writes the versioned report, reads one back for `render` and the
// workflow_run job. Reading checks the version and the shape it relies on, so a stale or foreign file is a UserError.

import { readFileSync, writeFileSync } from 'node:fs';
import { UserError } from '../errors.ts';
import { REPORT_VERSION, type Report } from './model.ts';

export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export function writeReport(path: string, report: Report): void {
  writeFileSync(path, renderJson(report));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const SEVERITIES = new Set(['error', 'warning', 'notice']);
const CHECK_STATUSES = new Set(['passed', 'failed', 'skipped', 'error']);
const REPORT_STATUSES = new Set(['passed', 'failed', 'error']);
const MODES = new Set(['full', 'pr', 'drift']);

/** What is wrong with `data` as a report of this version, or null when it is one. Checks what the reporters use. */
export function reportProblem(data: unknown): string | null {
  if (!isObject(data)) return 'it is not a JSON object';
  if (data.version !== REPORT_VERSION) {
    return typeof data.version === 'number'
      ? `it is report version ${data.version}; this alembic-preflight reads version ${REPORT_VERSION}`
      : 'it has no report version (is it an alembic-preflight JSON report?)';
  }
  if (!isObject(data.tool) || data.tool.name !== 'alembic-preflight') return 'tool.name is not "alembic-preflight"';
  if (!MODES.has(data.mode as string)) return `mode ${JSON.stringify(data.mode)} is not full, pr or drift`;
  if (!REPORT_STATUSES.has(data.status as string)) return `status ${JSON.stringify(data.status)} is not passed, failed or error`;
  if (typeof data.projectDir !== 'string') return 'projectDir is missing';
  for (const key of ['checks', 'revisions', 'newRevisions', 'migrations', 'schemaDiff'] as const) {
    if (!Array.isArray(data[key])) return `${key} is not a list`;
  }
  if (!isObject(data.counts)) return 'counts is missing';
  if (!isObject(data.environment)) return 'environment is missing';
  for (const [i, check] of (data.checks as unknown[]).entries()) {
    if (!isObject(check) || typeof check.id !== 'string') return `checks[${i}] has no id`;
    if (!CHECK_STATUSES.has(check.status as string)) return `checks[${i}] (${check.id}) has status ${JSON.stringify(check.status)}`;
    if (!Array.isArray(check.findings)) return `checks[${i}] (${check.id}) has no findings list`;
    if (check.summary !== undefined && !(Array.isArray(check.summary) && check.summary.every((l) => typeof l === 'string'))) {
      return `checks[${i}] (${check.id}) has a summary that is not a list of strings`;
    }
    for (const [j, f] of (check.findings as unknown[]).entries()) {
      if (!isObject(f) || typeof f.code !== 'string' || typeof f.message !== 'string' || !SEVERITIES.has(f.severity as string)) {
        return `checks[${i}].findings[${j}] needs code, message and severity (error, warning or notice)`;
      }
    }
  }
  return null;
}

export function parseReport(text: string, source = 'report'): Report {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${source} is not valid JSON: ${(error as Error).message}`, { file: source });
  }
  const problem = reportProblem(data);
  if (problem) throw new UserError(`${source} is not a report this version can read: ${problem}`, { file: source });
  return data as Report;
}

export function readReport(path: string): Report {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read the report ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { file: path });
  }
  return parseReport(text, path);
}
