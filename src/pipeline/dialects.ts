// One check on several databases (`--database sqlite,postgres`, or auto for a project that develops on SQLite and
// deploys PostgreSQL): the same pipeline per database, merged into one report whose findings say where they hold.

import type { CheckId, CheckResult, CheckStatus, DatabaseInfo, Finding, Report } from '../report/model.ts';
import { countFindings } from '../report/model.ts';

const DIALECT_NAME: Record<DatabaseInfo['dialect'], string> = { sqlite: 'SQLite', postgresql: 'PostgreSQL' };
const STATUS_RANK: Record<CheckStatus, number> = { skipped: 0, passed: 1, failed: 2, error: 3 };

function findingKey(f: Finding): string {
  return [f.code, f.revision ?? '', f.file ?? '', f.line ?? '', f.message].join('\u0000');
}

function dialectOf(report: Report): DatabaseInfo['dialect'] | undefined {
  return report.environment.database?.dialect;
}

/** The checks of every run, one result per check id: the worst status, findings once with the dialects they hold on. */
function mergeChecks(reports: Report[]): CheckResult[] {
  const byId = new Map<CheckId, CheckResult>();
  const seen = new Map<string, Finding>();
  const reasons = new Map<CheckId, { dialect?: DatabaseInfo['dialect']; reason: string }[]>();
  const summaries = new Map<CheckId, { dialect?: DatabaseInfo['dialect']; lines: string[] }[]>();
  for (const report of reports) {
    const dialect = dialectOf(report);
    for (const check of report.checks) {
      let merged = byId.get(check.id);
      if (!merged) {
        merged = { ...check, findings: [], reason: undefined, durationMs: 0 };
        byId.set(check.id, merged);
      }
      if (STATUS_RANK[check.status] > STATUS_RANK[merged.status]) merged.status = check.status;
      merged.durationMs += check.durationMs;
      if (check.reason) (reasons.get(check.id) ?? reasons.set(check.id, []).get(check.id)!).push({ dialect, reason: check.reason });
      if (check.summary) (summaries.get(check.id) ?? summaries.set(check.id, []).get(check.id)!).push({ dialect, lines: check.summary });
      for (const f of check.findings) {
        const key = `${check.id}\u0000${findingKey(f)}`;
        const known = seen.get(key);
        if (known) {
          if (dialect && !known.dialects?.includes(dialect)) known.dialects = [...(known.dialects ?? []), dialect];
          continue;
        }
        const copy: Finding = { ...f, ...(dialect ? { dialects: [dialect] } : {}) };
        seen.set(key, copy);
        merged.findings.push(copy);
      }
    }
  }
  // The same reason everywhere is said once; different ones are labelled with their database.
  for (const [id, list] of reasons) {
    const distinct = new Set(list.map((r) => r.reason));
    byId.get(id)!.reason = distinct.size === 1 && list.length === reports.length ? list[0]!.reason
      : list.map((r) => (r.dialect ? `${DIALECT_NAME[r.dialect]}: ${r.reason}` : r.reason)).join('; ');
  }
  // Summary lines (the data check's assertions): one said on every database once, the others labelled.
  for (const [id, list] of summaries) {
    const lines: string[] = [];
    for (const { dialect, lines: own } of list) {
      for (const line of own) {
        const everywhere = list.length === reports.length && list.every((l) => l.lines.includes(line));
        const shown = everywhere || !dialect ? line : `${DIALECT_NAME[dialect]}: ${line}`;
        if (!lines.includes(shown)) lines.push(shown);
      }
    }
    byId.get(id)!.summary = lines;
  }
  const all = reports.map(dialectOf).filter((d): d is DatabaseInfo['dialect'] => d !== undefined);
  // A finding on every database says nothing about dialects: only the ones that hold on some carry the field.
  for (const f of seen.values()) if (f.dialects && all.every((d) => f.dialects!.includes(d))) delete f.dialects;
  return [...byId.values()];
}

/**
 * One report from the runs on each database, in the order they ran. The first run's database stays the report's
 * `environment.database`; the SQL and schema diff shown for the PR come from the PostgreSQL run when there is one
 * (the production dialect), else from the first.
 */
export function mergeReports(reports: Report[], status: (merged: Report) => Report['status']): Report {
  if (reports.length === 1) return reports[0]!;
  const first = reports[0]!;
  const production = reports.find((r) => dialectOf(r) === 'postgresql') ?? first;
  const merged: Report = {
    ...first,
    checks: mergeChecks(reports),
    migrations: production.migrations,
    schemaDiff: production.schemaDiff,
    durationMs: reports.reduce((sum, r) => sum + (r.durationMs ?? 0), 0),
    environment: {
      ...first.environment,
      databases: reports.map((r) => r.environment.database).filter((d): d is DatabaseInfo => d !== undefined),
    },
    error: reports.find((r) => r.error)?.error,
  };
  merged.counts = countFindings(merged.checks);
  merged.status = status(merged);
  return merged;
}
