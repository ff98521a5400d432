// The Markdown reporter: the sticky PR comment (one per Alembic project, found again by its hidden marker) and the
// job summary. Pure: report → string. Hostile text cannot break out of its block, and the output always fits.

import { describeChange, type SchemaChange } from '../schema/diff.ts';
import { codeBlock, commentMarker, escapeInline, escapeParagraph, htmlLine, inlineCode, clip, escapeCell } from './markdown-escape.ts';
import type { CheckId, CheckResult, Finding, MigrationSql, Report, RevisionInfo, Severity } from './model.ts';
import { findStatement, splitStatements } from './sql-statements.ts';
import { CHECK_DISPLAY_ORDER, CHECK_TITLE, rankedFindings } from './ranking.ts';
import { countsOf, countsPhrase, formatDuration } from './wording.ts';

/** GitHub refuses issue and PR comments longer than this. */
export const COMMENT_LIMIT = 65_536;
/** GitHub's limit for one step's job summary is 1 MiB; keep a margin for what other steps append. */
export const SUMMARY_LIMIT = 1_000_000;

export interface MarkdownOptions {
  /** `comment`: the PR comment (starts with the hidden marker); `summary`: the job summary (everything). */
  variant?: 'comment' | 'summary';
  /** Keys the hidden marker; the project directory relative to the repository root. Default: report.projectDir. */
  projectKey?: string;
  /** The hidden marker on the first line; default: the comment marker for projectKey (none for summaries). */
  marker?: string | null;
  /** Where the full report is (the job summary of this run), linked when the comment had to be shortened. */
  fullReportUrl?: string;
  /** Size limit in UTF-8 bytes (stricter than GitHub's characters). */
  maxBytes?: number;
  /** At full detail, one SQL block longer than this is cut at a statement boundary. */
  sqlBlockChars?: number;
}

export type DetailLevel = 'full' | 'some-sql' | 'no-sql' | 'compact' | 'minimal';

export interface RenderedMarkdown {
  markdown: string;
  level: DetailLevel;
  bytes: number;
}

const SEVERITY_ICON: Record<Severity, string> = { error: '❌', warning: '⚠️', notice: 'ℹ️' };
const STATUS_ICON: Record<CheckResult['status'] | Report['status'], string> = {
  passed: '✅',
  failed: '❌',
  skipped: '⏭️',
  error: '💥',
};

const MAIN_CHECKS: CheckId[] = ['graph', 'upgrade', 'roundtrip', 'stairway', 'drift', 'lint'];
const DRIFT_CHECKS = new Set<CheckId>(['drift', 'models-registered', 'live-drift']);
const COMPACT_FINDINGS = 30;
const SCHEMA_ROWS = 200;

function where(f: Finding): string | undefined {
  if (!f.file) return undefined;
  return f.line ? `${f.file}:${f.line}` : f.file;
}

/** One paragraph of hint prose: its `code spans` stay code (escaped inside <code>), the rest is escaped text. */
function proseWithCode(text: string): string {
  const parts: string[] = [];
  let last = 0;
  for (const m of text.matchAll(/(?<!`)(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g)) {
    parts.push(last === 0 ? escapeParagraph(text.slice(0, m.index)) : escapeInline(text.slice(last, m.index)));
    parts.push(inlineCode(m[2]!.trim()));
    last = m.index! + m[0].length;
  }
  parts.push(last === 0 ? escapeParagraph(text) : escapeInline(text.slice(last)));
  return parts.join('');
}

/** A fenced block for a hint: prose lines escaped, its own code blocks re-fenced so they cannot be escaped from. */
export function renderHint(hint: string): string {
  const out: string[] = [];
  const lines = hint.replace(/\r\n?/g, '\n').split('\n');
  let prose: string[] = [];
  const flushProse = () => {
    const text = prose.join(' ').trim();
    if (text) out.push(proseWithCode(text));
    prose = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*(`{3,}|~{3,})\s*([\w+-]*)\s*$/.exec(lines[i]!);
    if (!open) {
      if (lines[i]!.trim() === '') flushProse();
      else prose.push(lines[i]!);
      continue;
    }
    const fence = open[1]!;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = lines[j]!.trim();
      if (close.length >= fence.length && close === fence[0]!.repeat(close.length)) break;
      body.push(lines[j]!);
    }
    flushProse();
    out.push(codeBlock(body.join('\n'), open[2] || ''));
    i = j;
  }
  flushProse();
  return out.join('\n\n');
}

function indent(block: string, by: string): string {
  return block.split('\n').map((l) => (l === '' ? l : by + l)).join('\n');
}

/** One finding as a Markdown list item; `brief` leaves out hint, details and SQL. */
function findingItem(f: Finding, brief: boolean, showRevision = true): string {
  const loc = where(f);
  const head = [
    `- ${SEVERITY_ICON[f.severity]} ${inlineCode(f.code)} ${escapeInline(f.message)}`,
    loc ? ` · ${inlineCode(loc)}` : '',
    showRevision && f.revision && !loc ? ` · revision ${inlineCode(f.revision)}` : '',
  ].join('');
  if (brief) return head;
  const parts = [head];
  if (f.details?.length) parts.push(indent(f.details.map((d) => `- ${escapeParagraph(d)}`).join('\n'), '  '));
  if (f.hint) parts.push(indent(renderHint(f.hint), '  '));
  return parts.join('\n\n');
}

function findingList(findings: Finding[], brief: boolean, showRevision = true): string {
  return findings.map((f) => findingItem(f, brief, showRevision)).join(brief ? '\n' : '\n\n');
}

function statusCell(check: CheckResult | undefined): string {
  if (!check) return '➖ not run';
  const reason = check.reason && check.status !== 'passed' ? `: ${escapeCell(clip(check.reason, 300))}` : '';
  return `${STATUS_ICON[check.status]} ${check.status}${reason}`;
}

function statusTable(report: Report): string {
  const present = new Map(report.checks.map((c) => [c.id, c]));
  const ids = CHECK_DISPLAY_ORDER.filter((id) => present.has(id) || (report.mode !== 'drift' && MAIN_CHECKS.includes(id)));
  // Checks the report holds that this version does not know of still get a row.
  for (const c of report.checks) if (!ids.includes(c.id)) ids.push(c.id);
  const rows = ids.map((id) => {
    const check = present.get(id);
    const counts = check ? countsOf(check.findings) : undefined;
    const n = (s: Severity) => (counts ? String(counts[s]) : '–');
    const title = CHECK_TITLE[id] ?? escapeCell(id);
    return `| ${title} | ${statusCell(check)} | ${n('error')} | ${n('warning')} | ${n('notice')} | ${check ? formatDuration(check.durationMs) : '–'} |`;
  });
  return ['| Check | Result | Errors | Warnings | Notices | Time |', '| --- | --- | ---: | ---: | ---: | ---: |', ...rows].join('\n');
}

function environmentLine(report: Report): string {
  const env = report.environment;
  const parts = [`${report.mode === 'pr' ? 'PR' : report.mode} mode`];
  if (env.database) {
    const name = env.database.dialect === 'postgresql' ? 'PostgreSQL' : 'SQLite';
    parts.push(`${name} ${htmlLine(env.database.serverVersion)} (${env.database.provider})`);
  }
  if (env.alembic) parts.push(`Alembic ${htmlLine(env.alembic)}`);
  if (env.sqlalchemy) parts.push(`SQLAlchemy ${htmlLine(env.sqlalchemy)}`);
  if (env.python) parts.push(`Python ${htmlLine(env.python)}`);
  parts.push(formatDuration(report.durationMs));
  parts.push(`alembic-preflight ${htmlLine(report.tool.version)}`);
  return `<sub>${parts.join(' · ')}</sub>`;
}

function header(report: Report, projectKey: string): string {
  const verdict = report.status === 'passed' ? 'passed' : report.status === 'failed' ? 'failed' : 'could not finish';
  return `### ${STATUS_ICON[report.status]} Alembic preflight ${inlineCode(clip(projectKey, 200))}: ${verdict}`;
}

function runError(report: Report): string | undefined {
  const e = report.error;
  if (!e) return undefined;
  const loc = e.file ? ` (${inlineCode(e.line ? `${e.file}:${e.line}` : e.file)})` : '';
  const what = e.kind === 'user' ? 'The run stopped on a problem in the project' : 'The run stopped on an internal error';
  return `> [!CAUTION]\n> ${what}${loc}: ${escapeInline(clip(e.message, 2000))}`;
}

function shownRevisions(report: Report, variant: 'comment' | 'summary', revisionFindings: Map<string, Finding[]>): string[] {
  if (report.newRevisions.length) return report.newRevisions;
  if (variant === 'summary') return report.migrations.map((m) => m.revision);
  return report.migrations.map((m) => m.revision).filter((r) => revisionFindings.has(r));
}

/** SQL with the findings placed after the statements they concern; returns the findings it could not place. */
function sqlWithFindings(sql: string, findings: Finding[], maxChars: number | null, lang: string): { markdown: string; placed: Set<Finding> } {
  const statements = splitStatements(sql);
  const at = new Map<number, Finding[]>();
  const placed = new Set<Finding>();
  for (const f of findings) {
    if (!f.sql) continue;
    const i = findStatement(statements, f.sql);
    if (i === -1) continue;
    at.set(i, [...(at.get(i) ?? []), f]);
    placed.add(f);
  }
  const blocks: string[] = [];
  let pending: string[] = [];
  let shown = 0;
  let cutAt = -1;
  const flush = () => {
    const text = pending.join('\n').replace(/^\n+|\n+$/g, '');
    if (text.trim()) blocks.push(codeBlock(text, lang));
    pending = [];
  };
  for (let i = 0; i < statements.length; i++) {
    const text = statements[i]!.lines.join('\n');
    if (maxChars !== null && shown > 0 && shown + text.length > maxChars) {
      cutAt = i;
      break;
    }
    shown += text.length;
    pending.push(...statements[i]!.lines);
    const here = at.get(i);
    if (here) {
      flush();
      blocks.push(findingList(here, false, false));
    }
  }
  flush();
  if (cutAt !== -1) {
    const rest = statements.slice(cutAt);
    const restLines = rest.reduce((n, s) => n + s.lines.length, 0);
    const restFindings = rest.flatMap((_, k) => at.get(cutAt + k) ?? []);
    blocks.push(`<sub>… ${restLines} more lines of SQL not shown here (see the job summary).</sub>`);
    if (restFindings.length) blocks.push(findingList(restFindings, false, false));
  }
  return { markdown: blocks.join('\n\n'), placed };
}

function revisionSection(
  rev: string,
  info: RevisionInfo | undefined,
  migration: MigrationSql | undefined,
  findings: Finding[],
  withSql: boolean,
  sqlBlockChars: number | null,
  lang: string,
): string {
  const counts = countsOf(findings);
  const worst = counts.error ? 'error' : counts.warning ? 'warning' : counts.notice ? 'notice' : undefined;
  const icon = worst ? SEVERITY_ICON[worst] : '✅';
  const title = info?.message ? ` ${htmlLine(clip(info.message, 200))}` : '';
  const summary = `<details><summary>${icon} <code>${htmlLine(rev)}</code>${title} · ${countsPhrase(counts)}</summary>`;
  const body: string[] = [];
  const file = info?.file ?? migration?.file;
  if (file) body.push(`File: ${inlineCode(file)}${info?.isMerge ? ' (merge revision)' : ''}`);

  if (withSql && migration) {
    const up = migration.upgradeSql !== null ? sqlWithFindings(migration.upgradeSql, findings, sqlBlockChars, lang) : undefined;
    const rest = findings.filter((f) => !up?.placed.has(f));
    const down = migration.downgradeSql !== null ? sqlWithFindings(migration.downgradeSql, rest, sqlBlockChars, lang) : undefined;
    const unplaced = rest.filter((f) => !down?.placed.has(f));
    if (unplaced.length) body.push(findingList(unplaced, false, false));
    if (migration.offlineError) body.push(`Offline SQL could not be generated: ${escapeInline(clip(migration.offlineError, 1000))}`);
    body.push(`**Upgrade SQL**\n\n${up ? up.markdown || '<sub>(no statements)</sub>' : '<sub>(not available)</sub>'}`);
    body.push(`**Downgrade SQL**\n\n${down ? down.markdown || '<sub>(no statements)</sub>' : '<sub>(not available)</sub>'}`);
  } else {
    if (findings.length) body.push(findingList(findings, false, false));
    if (migration) body.push('<sub>SQL left out to fit the size limit: see the job summary.</sub>');
  }
  return `${summary}\n\n${body.join('\n\n')}\n\n</details>`;
}

function schemaChangeRow(c: SchemaChange): string {
  const sign = c.change === 'added' ? '➕ added' : c.change === 'removed' ? '➖ removed' : '✏️ changed';
  const detail = c.change === 'changed' ? describeChange(c).split(': ').slice(1).join(': ') : '';
  return `| ${sign} | ${escapeCell(c.kind)} | ${inlineCode(c.key)} | ${escapeCell(clip(detail, 500))} |`;
}

function schemaSection(report: Report, full: boolean): string | undefined {
  const changes = report.schemaDiff;
  if (!changes.length) return undefined;
  const title = report.mode === 'pr' ? '#### Schema changes (base branch → this PR)' : '#### Schema changes (base → head)';
  if (!full) return `${title}\n\n${changes.length} changes: see the job summary.`;
  const rows = changes.slice(0, SCHEMA_ROWS).map(schemaChangeRow);
  const more = changes.length > SCHEMA_ROWS ? `\n\n<sub>… ${changes.length - SCHEMA_ROWS} more changes not shown.</sub>` : '';
  return `${title}\n\n| Change | Kind | Object | Detail |\n| --- | --- | --- | --- |\n${rows.join('\n')}${more}`;
}

function shortenedNote(opts: Required<Pick<MarkdownOptions, 'variant'>> & MarkdownOptions): string {
  const limit = opts.variant === 'comment' ? 'GitHub’s comment size limit' : 'the job summary size limit';
  const target = opts.variant === 'comment'
    ? opts.fullReportUrl ? `the [job summary](${encodeURI(opts.fullReportUrl).replaceAll('(', '%28').replaceAll(')', '%29')})` : 'the job summary of this run'
    : 'the JSON report (`--format json`)';
  return `> [!NOTE]\n> Shortened to fit ${limit}: the full report, with all SQL, is in ${target}.`;
}

/** Which revisions get their SQL: all at `full`, those chosen at `some-sql`, none below. */
type SqlChoice = (revision: string) => boolean;

function compose(
  report: Report,
  level: DetailLevel,
  opts: MarkdownOptions & { variant: 'comment' | 'summary' },
  key: string,
  marker: string | null,
  withSql: SqlChoice = () => level === 'full',
  sectionBytes?: Map<string, number>,
): string {
  const parts: string[] = [];
  if (marker) parts.push(marker);
  parts.push(header(report, key));
  if (level !== 'full') parts.push(shortenedNote(opts));
  const err = runError(report);
  if (err) parts.push(err);
  parts.push(statusTable(report));
  parts.push(`**${countsPhrase(report.counts)}**\n\n${environmentLine(report)}`);
  if (level === 'minimal') return parts.join('\n\n') + '\n';

  const ranked = rankedFindings(report);
  if (level === 'compact') {
    if (ranked.length) {
      const top = ranked.slice(0, COMPACT_FINDINGS).map((r) => r.finding);
      const more = ranked.length > top.length ? `\n\n<sub>… and ${ranked.length - top.length} more findings.</sub>` : '';
      parts.push(`#### Findings\n\n${findingList(top, true)}${more}`);
    }
    const schema = schemaSection(report, false);
    if (schema) parts.push(schema);
    return parts.join('\n\n') + '\n';
  }

  // Findings attached to a shown revision go under it; the rest are listed by kind.
  const byRevision = new Map<string, Finding[]>();
  const revisionOfFile = new Map(report.revisions.map((r) => [r.file, r.revision]));
  for (const { finding } of ranked) {
    const rev = finding.revision ?? (finding.file ? revisionOfFile.get(finding.file) : undefined);
    if (rev) byRevision.set(rev, [...(byRevision.get(rev) ?? []), finding]);
  }
  const shown = shownRevisions(report, opts.variant, byRevision);
  const attached = new Set(shown.flatMap((rev) => byRevision.get(rev) ?? []));
  const loose = ranked.filter(({ finding }) => !attached.has(finding));
  const modelDrift = loose.filter((r) => DRIFT_CHECKS.has(r.check) && r.check !== 'live-drift').map((r) => r.finding);
  const liveDrift = loose.filter((r) => r.check === 'live-drift').map((r) => r.finding);
  const other = loose.filter((r) => !DRIFT_CHECKS.has(r.check)).map((r) => r.finding);
  if (other.length) parts.push(`#### Findings\n\n${findingList(other, false)}`);

  if (shown.length) {
    const lang = 'sql';
    const heading = report.newRevisions.length ? `#### New revisions in this PR (${shown.length})` : `#### Revisions (${shown.length})`;
    const infos = new Map(report.revisions.map((r) => [r.revision, r]));
    const sql = new Map(report.migrations.map((m) => [m.revision, m]));
    const blocks = shown.map((rev) => {
      const section = revisionSection(rev, infos.get(rev), sql.get(rev), byRevision.get(rev) ?? [], withSql(rev), opts.sqlBlockChars ?? null, lang);
      sectionBytes?.set(rev, byteLength(section));
      return section;
    });
    parts.push(`${heading}\n\n${blocks.join('\n\n')}`);
  }

  const schema = schemaSection(report, true);
  if (schema) parts.push(schema);
  if (modelDrift.length) parts.push(`#### Drift between the models and the migrations\n\n${findingList(modelDrift, false)}`);
  if (liveDrift.length) parts.push(`#### Drift between the live database and the migrations\n\n${findingList(liveDrift, false)}`);
  return parts.join('\n\n') + '\n';
}

export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Renders at the most detailed level that fits: full; SQL for as many revisions as fit; no SQL; compact; minimal. */
export function renderMarkdownDetailed(report: Report, options: MarkdownOptions = {}): RenderedMarkdown {
  const variant = options.variant ?? 'comment';
  const opts = {
    ...options,
    variant,
    sqlBlockChars: options.sqlBlockChars ?? (variant === 'comment' ? 20_000 : 200_000),
  };
  const key = options.projectKey ?? report.projectDir;
  const marker = options.marker !== undefined ? options.marker : variant === 'comment' ? commentMarker(key) : null;
  const maxBytes = options.maxBytes ?? (variant === 'comment' ? COMMENT_LIMIT : SUMMARY_LIMIT);
  const attempt = (level: DetailLevel, withSql?: SqlChoice, sizes?: Map<string, number>): RenderedMarkdown => {
    const markdown = compose(report, level, opts, key, marker, withSql, sizes);
    return { markdown, level, bytes: byteLength(markdown) };
  };

  const withSqlSizes = new Map<string, number>();
  const full = attempt('full', undefined, withSqlSizes);
  if (full.bytes <= maxBytes) return full;
  const noSqlSizes = new Map<string, number>();
  const noSql = attempt('no-sql', undefined, noSqlSizes);
  if (noSql.bytes <= maxBytes) {
    // Give the room left to the revisions' SQL, in the order they are shown, each whole or not at all.
    const chosen = new Set<string>();
    let bytes = noSql.bytes;
    for (const [rev, size] of withSqlSizes) {
      const extra = size - (noSqlSizes.get(rev) ?? size);
      if (extra > 0 && bytes + extra <= maxBytes) {
        chosen.add(rev);
        bytes += extra;
      }
    }
    if (chosen.size === 0) return noSql;
    const some = attempt('some-sql', (rev) => chosen.has(rev));
    return some.bytes <= maxBytes ? some : noSql;
  }
  for (const level of ['compact', 'minimal'] as const) {
    const r = attempt(level);
    if (r.bytes <= maxBytes) return r;
  }
  // Even the minimal form is too long only for an absurd limit: say so rather than fail or post something broken.
  const markdown = [marker, header(report, key), shortenedNote(opts)].filter(Boolean).join('\n\n') + '\n';
  return { markdown, level: 'minimal', bytes: byteLength(markdown) };
}

export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  return renderMarkdownDetailed(report, options).markdown;
}
