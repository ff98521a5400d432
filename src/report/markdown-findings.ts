// Findings as Markdown: the "Action needed" list at the top of the comment (one line per error and warning, with
// the rule's page and the file:line at the head commit linked), and findings in full under their revision.

import { codeDocUrl } from './finding-codes.ts';
import { fileUrl, markdownUrl, type CommentLinks } from './links.ts';
import { clip, escapeInline, escapeParagraph, inlineCode } from './markdown-escape.ts';
import { HintBook, renderHint } from './markdown-hint.ts';
import type { Finding, Severity } from './model.ts';

export const SEVERITY_ICON: Record<Severity, string> = { error: '❌', warning: '⚠️', notice: 'ℹ️' };
const ACTION_ITEMS = 50;

export interface FindingContext {
  version: string;
  links?: CommentLinks;
  hints: HintBook;
}

function where(f: Finding): string | undefined {
  if (!f.file) return undefined;
  return f.line ? `${f.file}:${f.line}` : f.file;
}

/** `code` linked to its documentation page at the tool's version. */
export function codeLink(code: string, version: string): string {
  return `[${inlineCode(code)}](${markdownUrl(codeDocUrl(code, version))})`;
}

/** `file:line`, linked at the head commit when the links are known. */
export function locationLink(f: Finding, links: CommentLinks | undefined): string | undefined {
  const loc = where(f);
  if (!loc) return undefined;
  return links ? `[${inlineCode(loc)}](${markdownUrl(fileUrl(links, f.file!, f.line))})` : inlineCode(loc);
}

function indent(block: string, by: string): string {
  return block.split('\n').map((l) => (l === '' ? l : by + l)).join('\n');
}

function hintBlock(f: Finding, ctx: FindingContext): string | undefined {
  const use = ctx.hints.use(f);
  if (use.show === 'none') return undefined;
  if (use.show === 'reference') {
    const at = where(use.first);
    return `<sub>Fix: as for ${inlineCode(use.first.code)}${at ? ` at ${inlineCode(at)}` : ''} above.</sub>`;
  }
  const more = use.more > 0 ? `\n\n<sub>… and ${use.more} more like this.</sub>` : '';
  return `${renderHint(f.hint!)}${more}`;
}

/** ` · on PostgreSQL only` for a finding of a run on several databases that holds on some of them. */
function onlyOn(f: Finding): string {
  return f.dialects?.length ? ` · on ${f.dialects.map((d) => (d === 'postgresql' ? 'PostgreSQL' : 'SQLite')).join(' and ')} only` : '';
}

/** One finding as a Markdown list item; `brief` leaves out hint, details and SQL. */
export function findingItem(f: Finding, ctx: FindingContext, brief: boolean, showRevision = true): string {
  const loc = locationLink(f, ctx.links);
  const head = [
    `- ${SEVERITY_ICON[f.severity]} ${codeLink(f.code, ctx.version)} ${escapeInline(f.message)}`,
    loc ? ` · ${loc}` : '',
    showRevision && f.revision && !loc ? ` · revision ${inlineCode(f.revision)}` : '',
    onlyOn(f),
  ].join('');
  if (brief) return head;
  const parts = [head];
  if (f.details?.length) parts.push(indent(f.details.map((d) => `- ${escapeParagraph(d)}`).join('\n'), '  '));
  const hint = hintBlock(f, ctx);
  if (hint) parts.push(indent(hint, '  '));
  return parts.join('\n\n');
}

export function findingList(findings: Finding[], ctx: FindingContext, brief: boolean, showRevision = true): string {
  return findings.map((f) => findingItem(f, ctx, brief, showRevision)).join(brief ? '\n' : '\n\n');
}

/** "Action needed": every error and warning on one line, most important first; notices are left to the details. */
export function actionNeeded(ranked: Finding[], version: string, links: CommentLinks | undefined, max = ACTION_ITEMS): string | undefined {
  const items = ranked.filter((f) => f.severity !== 'notice');
  if (!items.length) return undefined;
  const lines = items.slice(0, max).map((f) => {
    const loc = locationLink(f, links);
    const rev = !loc && f.revision ? ` · revision ${inlineCode(f.revision)}` : '';
    return `- ${SEVERITY_ICON[f.severity]} **${f.severity}** ${codeLink(f.code, version)} ${escapeInline(clip(f.message, 300))}${loc ? ` · ${loc}` : ''}${rev}${onlyOn(f)}`;
  });
  if (items.length > max) lines.push(`- … and ${items.length - max} more.`);
  return `#### Action needed\n\n${lines.join('\n')}`;
}
