// A revision as Markdown: its upgrade and downgrade SQL (without Alembic's alembic_version bookkeeping) with each
// finding placed right after the statement it concerns. Revisions with an error are open; the others collapsed.

import { clip, codeBlock, escapeInline, htmlLine, inlineCode } from './markdown-escape.ts';
import { findingList, SEVERITY_ICON, type FindingContext } from './markdown-findings.ts';
import type { Finding, MigrationSql, RevisionInfo } from './model.ts';
import { findStatement, splitStatements, type SqlStatement } from './sql-statements.ts';
import { countsOf, countsPhrase } from './wording.ts';

/** Alembic's own statements on its version table (create, stamp, move, delete), whatever the table is called. */
export function isBookkeeping(s: SqlStatement): boolean {
  const sql = s.normalised.replace(/^(--[^\n]*\n)*/, '');
  if (!/^(update|insert into|delete from|create table|drop table|alter table)\b/.test(sql)) return false;
  return /\bversion_num\b/.test(sql) || /^(drop table|create table|alter table)\s+("?\w+"?\.)?"?alembic_version"?/.test(sql);
}

/** Statements as shown: bookkeeping removed; the comment lines before it (Alembic's `-- Running upgrade`) kept. */
function shownStatements(sql: string): SqlStatement[] {
  return splitStatements(sql).filter((s) => !isBookkeeping(s));
}

/** SQL with the findings placed after the statements they concern; returns the findings it could place. */
function sqlWithFindings(sql: string, findings: Finding[], maxChars: number | null, ctx: FindingContext): { markdown: string; placed: Set<Finding> } {
  const statements = shownStatements(sql);
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
    if (text.trim()) blocks.push(codeBlock(text, 'sql'));
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
      blocks.push(findingList(here, ctx, false, false));
    }
  }
  flush();
  if (cutAt !== -1) {
    const rest = statements.slice(cutAt);
    const restLines = rest.reduce((n, s) => n + s.lines.length, 0);
    const restFindings = rest.flatMap((_, k) => at.get(cutAt + k) ?? []);
    blocks.push(`<sub>… ${restLines} more lines of SQL not shown here (see the job summary).</sub>`);
    if (restFindings.length) blocks.push(findingList(restFindings, ctx, false, false));
  }
  return { markdown: blocks.join('\n\n'), placed };
}

export interface RevisionSectionInput {
  rev: string;
  info: RevisionInfo | undefined;
  migration: MigrationSql | undefined;
  findings: Finding[];
  withSql: boolean;
  sqlBlockChars: number | null;
}

export function revisionSection(input: RevisionSectionInput, ctx: FindingContext): string {
  const { rev, info, migration, findings } = input;
  const counts = countsOf(findings);
  const worst = counts.error ? 'error' : counts.warning ? 'warning' : counts.notice ? 'notice' : undefined;
  const icon = worst ? SEVERITY_ICON[worst] : '✅';
  const title = info?.message ? ` ${htmlLine(clip(info.message, 200))}` : '';
  // An error is what the reviewer has to see: its revision is open, the others stay one line each.
  const open = counts.error > 0 ? ' open' : '';
  const summary = `<details${open}><summary>${icon} <code>${htmlLine(rev)}</code>${title} · ${countsPhrase(counts)}</summary>`;
  const body: string[] = [];
  const file = info?.file ?? migration?.file;
  if (file) body.push(`File: ${inlineCode(file)}${info?.isMerge ? ' (merge revision)' : ''}`);

  if (input.withSql && migration) {
    const up = migration.upgradeSql !== null ? sqlWithFindings(migration.upgradeSql, findings, input.sqlBlockChars, ctx) : undefined;
    const rest = findings.filter((f) => !up?.placed.has(f));
    const down = migration.downgradeSql !== null ? sqlWithFindings(migration.downgradeSql, rest, input.sqlBlockChars, ctx) : undefined;
    const unplaced = rest.filter((f) => !down?.placed.has(f));
    if (unplaced.length) body.push(findingList(unplaced, ctx, false, false));
    if (migration.offlineError) body.push(`Offline SQL could not be generated: ${escapeInline(clip(migration.offlineError, 1000))}`);
    body.push(`**Upgrade SQL**\n\n${up ? up.markdown || '<sub>(no statements)</sub>' : '<sub>(not available)</sub>'}`);
    body.push(`**Downgrade SQL**\n\n${down ? down.markdown || '<sub>(no statements)</sub>' : '<sub>(not available)</sub>'}`);
  } else {
    if (findings.length) body.push(findingList(findings, ctx, false, false));
    if (migration) body.push('<sub>SQL left out to fit the size limit: see the job summary.</sub>');
  }
  return `${summary}\n\n${body.join('\n\n')}\n\n</details>`;
}
