// The suggestions review: one review per push carrying GitHub "suggested changes" on the migration lines, found
// again by the hidden marker in its body. On the next push the previous review's comments are deleted and its body
// says it was replaced (a submitted review cannot be deleted); a re-run on the same commit posts nothing new.

import type { GitHubClient, RepoRef } from './client.ts';
import { httpStatus, isPermissionDenied } from './client.ts';

export interface ReviewComment {
  path: string;
  /** Last line of the range (RIGHT side: the PR's version of the file). */
  line: number;
  /** First line, when the range is more than one line. */
  startLine?: number;
  body: string;
}

export type ReviewOutcome =
  | { action: 'created'; id: number; url: string; replaced: number }
  | { action: 'unchanged'; id: number; url: string }
  | { action: 'cleared'; replaced: number }
  | { action: 'none' }
  | { action: 'forbidden' | 'rejected'; status: number; message: string };

interface ReviewRecord {
  id: number;
  body?: string | null;
  commit_id?: string | null;
  html_url: string;
  user?: { type?: string } | null;
}

export async function syncSuggestionReview(
  client: GitHubClient,
  target: RepoRef & { pullNumber: number },
  request: { marker: string; headSha: string; body: string; comments: ReviewComment[] },
): Promise<ReviewOutcome> {
  const { owner, repo, pullNumber } = target;
  if (!request.body.startsWith(request.marker)) throw new Error('the review body must start with its marker');
  try {
    const reviews = (await client.paginate(client.rest.pulls.listReviews, { owner, repo, pull_number: pullNumber, per_page: 100 })) as ReviewRecord[];
    const ours = reviews.filter((r) => (r.body ?? '').startsWith(request.marker) && r.user?.type === 'Bot');
    const current = ours.find((r) => r.commit_id === request.headSha && r.body === request.body);
    if (current) return { action: 'unchanged', id: current.id, url: current.html_url };
    let replaced = 0;
    for (const old of ours) {
      const comments = (await client.paginate(client.rest.pulls.listCommentsForReview, {
        owner, repo, pull_number: pullNumber, review_id: old.id, per_page: 100,
      })) as { id: number }[];
      if (!comments.length && (old.body ?? '').includes('Replaced by')) continue;
      for (const c of comments) await client.rest.pulls.deleteReviewComment({ owner, repo, comment_id: c.id });
      await client.rest.pulls.updateReview({
        owner, repo, pull_number: pullNumber, review_id: old.id,
        body: `${request.marker}\nReplaced by the suggestions for commit ${request.headSha.slice(0, 7)}.`,
      });
      replaced++;
    }
    if (!request.comments.length) return replaced ? { action: 'cleared', replaced } : { action: 'none' };
    const { data } = await client.rest.pulls.createReview({
      owner, repo, pull_number: pullNumber, commit_id: request.headSha, event: 'COMMENT', body: request.body,
      comments: request.comments.map((c) => ({
        path: c.path, line: c.line, side: 'RIGHT' as const, body: c.body,
        ...(c.startLine && c.startLine < c.line ? { start_line: c.startLine, start_side: 'RIGHT' as const } : {}),
      })),
    });
    return { action: 'created', id: data.id, url: data.html_url, replaced };
  } catch (error) {
    const status = httpStatus(error);
    if (isPermissionDenied(error)) return { action: 'forbidden', status: status!, message: (error as Error).message };
    // 422: a line outside the pull request's diff; the comment and the check result stand.
    if (status === 422) return { action: 'rejected', status, message: (error as Error).message };
    throw error;
  }
}
