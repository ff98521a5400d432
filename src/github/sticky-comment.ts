// The sticky PR comment: one per Alembic project, found again by the hidden marker on its first line, created once
// and then updated in place on every push (not when its body is unchanged). Stray duplicates (two runs racing) are
// removed. Never spams.

import type { GitHubClient, RepoRef } from './client.ts';
import { isPermissionDenied, httpStatus } from './client.ts';

export type StickyOutcome =
  | { action: 'created' | 'updated' | 'unchanged'; id: number; url: string; removedDuplicates: number }
  | { action: 'none' }
  | { action: 'forbidden'; status: number; message: string };

interface IssueComment {
  id: number;
  body?: string | null;
  html_url: string;
  user?: { type?: string; login?: string } | null;
}

/** Comments that start with the marker and that we wrote: the Actions bot's (GITHUB_TOKEN), or, with a personal
 * token, that user's. A person's comment that happens to start with the marker is never taken over. Oldest first. */
export function pickMarked(comments: IssueComment[], marker: string, ownLogin: string | null): IssueComment[] {
  return comments.filter((c) => (c.body ?? '').startsWith(marker)
    && (c.user?.type === 'Bot' || (ownLogin !== null && c.user?.login === ownLogin)));
}

/** The token's own login, or null for a GITHUB_TOKEN (an installation token has no user: GET /user is refused). */
async function ownLogin(client: GitHubClient): Promise<string | null> {
  try {
    const { data } = await client.rest.users.getAuthenticated();
    return data.login;
  } catch (error) {
    if (httpStatus(error) !== undefined) return null;
    throw error;
  }
}

export async function upsertStickyComment(
  client: GitHubClient,
  target: RepoRef & { issueNumber: number },
  marker: string,
  body: string,
  options: { onlyIfExists?: boolean } = {},
): Promise<StickyOutcome> {
  if (!body.startsWith(marker)) throw new Error('the comment body must start with its marker');
  const { owner, repo, issueNumber } = target;
  try {
    const comments = (await client.paginate(client.rest.issues.listComments, {
      owner, repo, issue_number: issueNumber, per_page: 100,
    })) as IssueComment[];
    // Asking who we are costs a request: only when a comment by a person carries the marker.
    const byPerson = comments.some((c) => (c.body ?? '').startsWith(marker) && c.user?.type !== 'Bot');
    const [mine, ...duplicates] = pickMarked(comments, marker, byPerson ? await ownLogin(client) : null);
    let removed = 0;
    for (const d of duplicates) {
      await client.rest.issues.deleteComment({ owner, repo, comment_id: d.id });
      removed++;
    }
    if (!mine) {
      if (options.onlyIfExists) return { action: 'none' };
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
