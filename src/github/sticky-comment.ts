// The sticky PR comment: one per Alembic project, found again by the hidden marker on its first line, created once
// and then updated in place on every push. Stray duplicates (two runs racing) are removed. Never spams.

import type { GitHubClient, RepoRef } from './client.ts';
import { isPermissionDenied, httpStatus } from './client.ts';

export type StickyOutcome =
  | { action: 'created' | 'updated' | 'unchanged'; id: number; url: string; removedDuplicates: number }
  | { action: 'forbidden'; status: number; message: string };

interface IssueComment {
  id: number;
  body?: string | null;
  html_url: string;
  user?: { type?: string; login?: string } | null;
}

/** Comments carrying the marker: ours if the body starts with it. Bot-authored ones first, then oldest first. */
export function pickMarked(comments: IssueComment[], marker: string): IssueComment[] {
  const marked = comments.filter((c) => (c.body ?? '').startsWith(marker));
  const bot = (c: IssueComment) => (c.user?.type === 'Bot' ? 0 : 1);
  return marked.map((c, i) => ({ c, i })).sort((a, b) => bot(a.c) - bot(b.c) || a.i - b.i).map(({ c }) => c);
}

export async function upsertStickyComment(
  client: GitHubClient,
  target: RepoRef & { issueNumber: number },
  marker: string,
  body: string,
): Promise<StickyOutcome> {
  if (!body.startsWith(marker)) throw new Error('the comment body must start with its marker');
  const { owner, repo, issueNumber } = target;
  try {
    const comments = (await client.paginate(client.rest.issues.listComments, {
      owner, repo, issue_number: issueNumber, per_page: 100,
    })) as IssueComment[];
    const [mine, ...duplicates] = pickMarked(comments, marker);
    let removed = 0;
    // Only bot-authored duplicates are ours to delete; a person's comment is left alone.
    for (const d of duplicates.filter((c) => c.user?.type === 'Bot')) {
      await client.rest.issues.deleteComment({ owner, repo, comment_id: d.id });
      removed++;
    }
    if (!mine) {
      const { data } = await client.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
      return { action: 'created', id: data.id, url: data.html_url, removedDuplicates: removed };
    }
    if (mine.body === body) return { action: 'unchanged', id: mine.id, url: mine.html_url, removedDuplicates: removed };
    const { data } = await client.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
    return { action: 'updated', id: data.id, url: data.html_url, removedDuplicates: removed };
  } catch (error) {
    if (isPermissionDenied(error)) {
      return { action: 'forbidden', status: httpStatus(error)!, message: (error as Error).message };
    }
    throw error;
  }
}
