// The terminal reporter: a check table, the findings ranked (severity, then check order), and a result line.
// Pure: report → string. Control characters from migrations are made visible, so they cannot drive the terminal.

import { posix } from 'node:path';
import { CHECK_TITLE, checkRank, rankedFindings } from './ranking.ts';
import { countsOf, countsPhrase, formatDuration } from './wording.ts';
import type { CheckResult, Finding, Report, Severity } from './model.ts';

export interface TextOptions {
  /** ANSI colours (the CLI turns them on for a TTY without NO_COLOR). */
  color?: boolean;
}

type Paint = (code: string, text: string) => string;

const STATUS_MARK: Record<CheckResult['status'], string> = { passed: '✓', failed: '✗', skipped: '-', error: '!' };
const STATUS_COLOR: Record<CheckResult['status'], string> = { passed: '32', failed: '31', skipped: '90', error: '35' };
const SEVERITY_COLOR: Record<Severity, string> = { error: '31', warning: '33', notice: '36' };

/** Makes C0/C1 control characters (escape sequences included) visible instead of letting them act. */
export function visible(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A finding's file as seen from where the tool ran: the project directory joined with the project-relative path. */
function location(report: Report, f: Finding): string | undefined {
  if (!f.file) return undefined;
  const path = report.projectDir === '.' ? f.file : posix.join(report.projectDir.replaceAll('\\', '/'), f.file);
  return f.line ? `${path}:${f.line}` : path;
}

function indentLines(text: string, by: string): string {
  return text.replace(/\r\n?/g, "\n").split("\n").map((l) => (l.trim() ? `${by}${visible(l)}` : "")).join("\n");
}

function findingBlock(report: Report, f: Finding, paint: Paint): string {
  const lines = [`${paint(SEVERITY_COLOR[f.severity], f.severity.padEnd(7))} ${paint('1', visible(f.code))}  ${visible(f.message).replace(/\n/g, ' ')}`];
  const loc = location(report, f);
  const at = [loc, f.revision ? `revision ${visible(f.revision)}` : undefined].filter(Boolean).join(' · ');
  if (at) lines.push(`        ${paint('90', at)}`);
  for (const d of f.details ?? []) lines.push(`        - ${visible(d)}`);
  if (f.sql) lines.push(`        SQL: ${visible(f.sql.replace(/\s+/g, ' ').trim()).slice(0, 300)}`);
  if (f.hint) lines.push(`        hint:\n${indentLines(f.hint, '          ')}`);
  return lines.join('\n');
}

export function renderText(report: Report, options: TextOptions = {}): string {
  const paint: Paint = options.color ? (code, text) => `\u001b[${code}m${text}\u001b[0m` : (_code, text) => text;
  const out: string[] = [];
  const env = report.environment;
  const db = env.database ? `${env.database.dialect === 'postgresql' ? 'PostgreSQL' : 'SQLite'} ${env.database.serverVersion} (${env.database.provider})` : undefined;
  const versions = env.alembic ? `Alembic ${env.alembic}${env.sqlalchemy ? ` / SQLAlchemy ${env.sqlalchemy}` : ''}` : undefined;
  out.push([`alembic-preflight ${report.tool.version}`, visible(report.projectDir), `${report.mode} mode`, db, versions].filter(Boolean).join(' · '));
  out.push('');

  const width = Math.max(0, ...report.checks.map((c) => (CHECK_TITLE[c.id] ?? c.id).length));
  for (const c of [...report.checks].sort((a, b) => checkRank(a.id) - checkRank(b.id))) {
    const title = (CHECK_TITLE[c.id] ?? c.id).padEnd(width);
    const counts = countsOf(c.findings);
    const status = c.reason && c.status !== 'passed' ? `${c.status}: ${visible(c.reason)}` : c.status;
    const tail = [c.status === 'skipped' ? '' : formatDuration(c.durationMs), countsPhrase(counts, '')].filter(Boolean).join('  ');
    out.push(`  ${paint(STATUS_COLOR[c.status], STATUS_MARK[c.status])} ${title}  ${paint(STATUS_COLOR[c.status], status)}${tail ? `  ${paint('90', tail)}` : ''}`);
  }

  const ranked = rankedFindings(report);
  if (ranked.length) {
    out.push('');
    for (const { finding } of ranked) out.push(findingBlock(report, finding, paint), '');
    out.pop();
  }
  if (report.error) {
    const e = report.error;
    const loc = e.file ? ` (${e.line ? `${e.file}:${e.line}` : e.file})` : '';
    out.push('', paint('31', `${e.kind === 'user' ? 'error' : 'internal error'}: ${visible(e.message)}${visible(loc)}`));
  }

  const verdict = report.status === 'passed' ? paint('32', 'PASSED') : report.status === 'failed' ? paint('31', 'FAILED') : paint('35', 'ERROR');
  const totals = countsPhrase(report.counts);
  out.push('', `Result: ${verdict} · ${totals} · ${formatDuration(report.durationMs)}`);
  return out.join('\n') + '\n';
}
