// Decides what the sticky comment says for one project of a pull request, by the `comment` input: `changes` (the
// default) comments only when the PR adds or edits a migration, `always` on every PR, `never` not at all. A PR
// that changes no migration gets no comment, and an earlier one is reduced to one line.

import type { GitHubClient, RepoRef } from './client.ts';
import { upsertStickyComment, type StickyOutcome } from './sticky-comment.ts';
import { noMigrationsComment } from '../report/markdown.ts';
import type { Report } from '../report/model.ts';

export type CommentMode = 'changes' | 'always' | 'never';
export const COMMENT_MODES: readonly CommentMode[] = ['changes', 'always', 'never'];

/** True when the pull request adds, edits or deletes a migration of this project (PR-mode reports only). */
export function changesMigrations(report: Report): boolean {
  if (report.newRevisions.length > 0) return true;
  return report.checks.some((c) => c.id === 'pr-migrations' && c.findings.length > 0);
}

export type CommentOutcome = StickyOutcome | { action: 'skipped'; why: string };

export async function publishComment(
  client: GitHubClient,
  target: RepoRef & { issueNumber: number },
  request: { mode: CommentMode; report: Report; marker: string; projectKey: string; body: string },
): Promise<CommentOutcome> {
  if (request.mode === 'never') return { action: 'skipped', why: 'the comment input is never' };
  if (request.mode === 'changes' && !changesMigrations(request.report)) {
    // An earlier comment would still show findings that no longer apply: say in one line that there is nothing.
    const outcome = await upsertStickyComment(client, target, request.marker, noMigrationsComment(request.marker, request.projectKey), { onlyIfExists: true });
    return outcome.action === 'none' ? { action: 'skipped', why: 'this pull request changes no migration' } : outcome;
  }
  return upsertStickyComment(client, target, request.marker, request.body);
}
