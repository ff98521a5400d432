// The terminal reporter: a check table, the findings ranked (severity, then check order), and a result line.
// Pure: report → string. Control characters from migrations are made visible, so they cannot drive the terminal.

import { posix } from 'node:path';
import { HintBook } from './markdown-hint.ts';
import { CHECK_TITLE, checkRank, rankedFindings } from './ranking.ts';
import { countsOf, countsPhrase, formatDuration } from './wording.ts';
import type { CheckResult, Finding, Report, Severity } from './model.ts';

export interface TextOptions {
  /** ANSI colours (see resolveColor). */
  color?: boolean;
  /** One line per finding, for CI logs: no details, SQL or hints. */
  compact?: boolean;
}

export type ColorChoice = 'auto' | 'always' | 'never';

/** `--color` wins; then NO_COLOR (https://no-color.org) and FORCE_COLOR; then whether the output is a terminal. */
export function resolveColor(choice: ColorChoice, env: NodeJS.ProcessEnv, isTty: boolean): boolean {
  if (choice !== 'auto') return choice === 'always';
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return isTty;
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

/** A Markdown hint for the terminal: fence lines dropped, their code indented and dimmed, `code` spans unquoted. */
function terminalHint(hint: string, paint: Paint): string {
  const out: string[] = [];
  let code = false;
  for (const line of hint.replace(/\r\n?/g, '\n').split('\n')) {
    if (/^\s*(`{3,}|~{3,})/.test(line)) {
      code = !code;
      continue;
    }
    out.push(code ? `    ${paint('36', visible(line))}` : visible(line.replace(/`([^`]+)`/g, '$1')));
  }
  return out.map((l) => (l.trim() ? `          ${l}` : '')).join('\n').replace(/\n{3,}/g, '\n\n');
}

function hintLines(report: Report, f: Finding, paint: Paint, hints: HintBook): string[] {
  const use = hints.use(f);
  if (use.show === 'none') return [];
  if (use.show === 'reference') {
    return [`        ${paint('90', `hint: as for ${visible(use.first.code)} at ${location(report, use.first) ?? 'above'}`)}`];
  }
  const more = use.more > 0 ? [`          ${paint('90', `(and ${use.more} more like this)`)}`] : [];
  return [`        hint:\n${terminalHint(f.hint!, paint)}`, ...more];
}

function compactLine(report: Report, f: Finding, paint: Paint): string {
  const loc = location(report, f) ?? (f.revision ? `revision ${visible(f.revision)}` : '-');
  const on = onlyOn(f);
  return `${paint(SEVERITY_COLOR[f.severity], f.severity.padEnd(7))} ${paint('1', visible(f.code))}  ${loc}${on ? ` (${on})` : ''}  ${visible(f.message).replace(/\n/g, ' ')}`;
}

/** "on PostgreSQL only" for a finding of a run on several databases that holds on some of them. */
function onlyOn(f: Finding): string | undefined {
  return f.dialects?.length ? `on ${f.dialects.map(dialectName).join(' and ')} only` : undefined;
}

function dialectName(dialect: 'postgresql' | 'sqlite'): string {
  return dialect === 'postgresql' ? 'PostgreSQL' : 'SQLite';
}

function databaseLine(db: NonNullable<Report['environment']['database']>): string {
  return `${dialectName(db.dialect)} ${db.serverVersion} (${db.provider}${db.driver ? `, ${db.driver}` : ''})`;
}

function findingBlock(report: Report, f: Finding, paint: Paint, hints: HintBook): string {
  const lines = [`${paint(SEVERITY_COLOR[f.severity], f.severity.padEnd(7))} ${paint('1', visible(f.code))}  ${visible(f.message).replace(/\n/g, ' ')}`];
  const loc = location(report, f);
  const at = [loc, f.revision ? `revision ${visible(f.revision)}` : undefined, onlyOn(f)].filter(Boolean).join(' · ');
  if (at) lines.push(`        ${paint('90', at)}`);
  for (const d of f.details ?? []) lines.push(`        - ${visible(d)}`);
  if (f.sql) lines.push(`        SQL: ${visible(f.sql.replace(/\s+/g, ' ').trim()).slice(0, 300)}`);
  lines.push(...hintLines(report, f, paint, hints));
  return lines.join('\n');
}

export function renderText(report: Report, options: TextOptions = {}): string {
  const paint: Paint = options.color ? (code, text) => `\u001b[${code}m${text}\u001b[0m` : (_code, text) => text;
  const out: string[] = [];
  const env = report.environment;
  const db = env.databases?.length ? env.databases.map(databaseLine).join(' + ')
    : env.database ? databaseLine(env.database) : undefined;
  const versions = env.alembic ? `Alembic ${env.alembic}${env.sqlalchemy ? ` / SQLAlchemy ${env.sqlalchemy}` : ''}` : undefined;
  out.push([`alembic-preflight ${report.tool.version}`, visible(report.projectDir), `${report.mode} mode`, db, versions].filter(Boolean).join(' · '));
  if (env.databasesReason) out.push(paint('90', `PostgreSQL checked too: ${visible(env.databasesReason)} (--database sqlite for SQLite only)`));
  if (env.containment) {
    out.push(paint('90', `Python driver: ${env.containment.network === 'none' ? 'no network' : 'host network'} (${visible(env.containment.reason)})`));
  }
  out.push('');

  const width = Math.max(0, ...report.checks.map((c) => (CHECK_TITLE[c.id] ?? c.id).length));
  for (const c of [...report.checks].sort((a, b) => checkRank(a.id) - checkRank(b.id))) {
    const title = (CHECK_TITLE[c.id] ?? c.id).padEnd(width);
    const counts = countsOf(c.findings);
    const status = c.reason && c.status !== 'passed' ? `${c.status}: ${visible(c.reason)}` : c.status;
    const tail = [c.status === 'skipped' ? '' : formatDuration(c.durationMs), countsPhrase(counts, '')].filter(Boolean).join('  ');
    out.push(`  ${paint(STATUS_COLOR[c.status], STATUS_MARK[c.status])} ${title}  ${paint(STATUS_COLOR[c.status], status)}${tail ? `  ${paint('90', tail)}` : ''}`);
    for (const line of c.summary ?? []) out.push(paint('90', `      ${visible(line)}`));
  }

  const ranked = rankedFindings(report);
  if (ranked.length) {
    out.push('');
    if (options.compact) {
      for (const { finding } of ranked) out.push(compactLine(report, finding, paint));
    } else {
      const hints = new HintBook(ranked.map((r) => r.finding));
      for (const { finding } of ranked) out.push(findingBlock(report, finding, paint, hints), '');
      out.pop();
    }
  }
  // The error that stopped the run, unless a finding above already says it.
  if (report.error && !ranked.some(({ finding }) => finding.message === report.error!.message)) {
    const e = report.error;
    const loc = e.file ? ` (${e.line ? `${e.file}:${e.line}` : e.file})` : '';
    out.push('', paint('31', `${e.kind === 'user' ? 'error' : 'internal error'}: ${visible(e.message)}${visible(loc)}`));
  }

  const verdict = report.status === 'passed' ? paint('32', 'PASSED') : report.status === 'failed' ? paint('31', 'FAILED') : paint('35', 'ERROR');
  const totals = countsPhrase(report.counts);
  out.push('', `Result: ${verdict} · ${totals} · ${formatDuration(report.durationMs)}`);
  return out.join('\n') + '\n';
}
