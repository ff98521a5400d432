// The Markdown reporter: the sticky PR comment (one per Alembic project, found again by its hidden marker) and the
// job summary. Pure: report → string. Hostile text cannot break out of its block, and the output always fits.
// No timings: the same result renders the same bytes, so a re-run does not edit the comment.

import { commitUrl, markdownUrl, type CommentLinks } from './links.ts';
import { clip, commentMarker, escapeCell, escapeInline, htmlLine, inlineCode } from './markdown-escape.ts';
import { actionNeeded, findingList, type FindingContext } from './markdown-findings.ts';
import { HintBook } from './markdown-hint.ts';
import { revisionSection } from './markdown-revisions.ts';
import { schemaSection } from './markdown-schema.ts';
import type { CheckId, CheckResult, Finding, Report, Severity } from './model.ts';
import { CHECK_DISPLAY_ORDER, CHECK_TITLE, rankedFindings } from './ranking.ts';
import { countsOf, countsPhrase } from './wording.ts';

export { renderHint } from './markdown-hint.ts';

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
  /** Repository, head commit and run: files are linked at the head commit, and the footer names both. */
  links?: CommentLinks;
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

const STATUS_ICON: Record<CheckResult['status'] | Report['status'], string> = {
  passed: '✅',
  failed: '❌',
  skipped: '⏭️',
  error: '💥',
};

const MAIN_CHECKS: CheckId[] = ['graph', 'upgrade', 'roundtrip', 'stairway', 'drift', 'lint'];
const DRIFT_CHECKS = new Set<CheckId>(['drift', 'models-registered', 'live-drift']);
const COMPACT_FINDINGS = 30;

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
    return `| ${title} | ${statusCell(check)} | ${n('error')} | ${n('warning')} | ${n('notice')} |`;
  });
  return ['| Check | Result | Errors | Warnings | Notices |', '| --- | --- | ---: | ---: | ---: |', ...rows].join('\n');
}

const SUMMARY_LINES = 40;

/** A check's summary lines (the data check: each hand-written assertion's result) as a list under its title. */
function checkSummaries(report: Report): string[] {
  return report.checks.filter((c) => c.summary?.length).map((c) => {
    const lines = c.summary!.slice(0, SUMMARY_LINES).map((line) => `- ${escapeInline(clip(line, 300))}`);
    if (c.summary!.length > SUMMARY_LINES) lines.push(`- and ${c.summary!.length - SUMMARY_LINES} more (see the JSON report)`);
    return `#### ${CHECK_TITLE[c.id] ?? escapeCell(c.id)}\n\n${lines.join('\n')}`;
  });
}

/** The last line: commit, run, tool version and what it ran on. */
function footer(report: Report, links: CommentLinks | undefined): string {
  const env = report.environment;
  const parts: string[] = [];
  if (links) parts.push(`commit [${inlineCode(links.headSha.slice(0, 7))}](${markdownUrl(commitUrl(links))})`);
  if (links?.runUrl) parts.push(`[workflow run](${markdownUrl(links.runUrl)})`);
  parts.push(`alembic-preflight ${htmlLine(report.tool.version)}`);
  parts.push(`${report.mode === 'pr' ? 'PR' : report.mode} mode`);
  for (const db of env.databases?.length ? env.databases : env.database ? [env.database] : []) {
    const name = db.dialect === 'postgresql' ? 'PostgreSQL' : 'SQLite';
    parts.push(`${name} ${htmlLine(db.serverVersion)} (${db.provider})`);
  }
  if (env.alembic) parts.push(`Alembic ${htmlLine(env.alembic)}`);
  if (env.sqlalchemy) parts.push(`SQLAlchemy ${htmlLine(env.sqlalchemy)}`);
  if (env.python) parts.push(`Python ${htmlLine(env.python)}`);
  return `<sub>${parts.join(' · ')}</sub>`;
}

function header(report: Report, projectKey: string): string {
  const verdict = report.status === 'passed' ? 'passed' : report.status === 'failed' ? 'failed' : 'could not finish';
  return `### ${STATUS_ICON[report.status]} Alembic preflight ${inlineCode(clip(projectKey, 200))}: ${verdict} · ${countsPhrase(report.counts)}`;
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

function shortenedNote(opts: MarkdownOptions & { variant: 'comment' | 'summary' }): string {
  const limit = opts.variant === 'comment' ? 'GitHub’s comment size limit' : 'the job summary size limit';
  const target = opts.variant === 'comment'
    ? opts.fullReportUrl ? `the [job summary](${markdownUrl(opts.fullReportUrl)})` : 'the job summary of this run'
    : 'the JSON report (`--format json`)';
  return `> [!NOTE]\n> Shortened to fit ${limit}: the full report, with all SQL, is in ${target}.`;
}

/** The one-line comment left on a pull request that no longer changes any migration. */
export function noMigrationsComment(marker: string, projectKey: string): string {
  return `${marker}\n✅ Alembic preflight ${inlineCode(clip(projectKey, 200))}: this pull request changes no migration, so there is nothing to check.\n`;
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
  const ranked = rankedFindings(report);
  const version = report.tool.version;
  const ctx: FindingContext = { version, links: opts.links, hints: new HintBook([]) };
  const parts: string[] = [];
  if (marker) parts.push(marker);
  parts.push(header(report, key));
  if (level !== 'full') parts.push(shortenedNote(opts));
  const err = runError(report);
  if (err) parts.push(err);
  const todo = level === 'minimal' ? undefined : actionNeeded(ranked.map((r) => r.finding), version, opts.links, level === 'compact' ? COMPACT_FINDINGS : undefined);
  if (todo) parts.push(todo);
  parts.push(statusTable(report));
  const end = footer(report, opts.links);
  if (level === 'minimal') return [...parts, end].join('\n\n') + '\n';
  parts.push(...checkSummaries(report));

  if (level === 'compact') {
    // The action list above is the compact form of the errors and warnings; notices are only counted.
    const schema = schemaSection(report, false);
    if (schema) parts.push(schema);
    return [...parts, end].join('\n\n') + '\n';
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
  // Long hints are shown once, at their first finding in the order the comment shows them.
  ctx.hints = new HintBook([...other, ...shown.flatMap((rev) => byRevision.get(rev) ?? []), ...modelDrift, ...liveDrift]);
  if (other.length) parts.push(`#### Findings\n\n${findingList(other, ctx, false)}`);

  if (shown.length) {
    const heading = report.newRevisions.length ? `#### New revisions in this PR (${shown.length})` : `#### Revisions (${shown.length})`;
    const infos = new Map(report.revisions.map((r) => [r.revision, r]));
    const sql = new Map(report.migrations.map((m) => [m.revision, m]));
    const blocks = shown.map((rev) => {
      const section = revisionSection({
        rev, info: infos.get(rev), migration: sql.get(rev), findings: byRevision.get(rev) ?? [],
        withSql: withSql(rev), sqlBlockChars: opts.sqlBlockChars ?? null,
      }, ctx);
      sectionBytes?.set(rev, byteLength(section));
      return section;
    });
    parts.push(`${heading}\n\n${blocks.join('\n\n')}`);
  }

  const schema = schemaSection(report, true);
  if (schema) parts.push(schema);
  if (modelDrift.length) parts.push(`#### Drift between the models and the migrations\n\n${findingList(modelDrift, ctx, false)}`);
  if (liveDrift.length) parts.push(`#### Drift between the live database and the migrations\n\n${findingList(liveDrift, ctx, false)}`);
  return [...parts, end].join('\n\n') + '\n';
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
