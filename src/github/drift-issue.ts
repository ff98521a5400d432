// The drift issue of the nightly job: one open issue per project, found by its hidden marker and label, opened
// when live drift appears, updated while it lasts (never duplicated), closed with a comment once it is gone.

import type { GitHubClient, RepoRef } from './client.ts';
import { httpStatus, isPermissionDenied } from './client.ts';

export const DRIFT_LABEL = 'alembic-preflight-drift';

export type DriftIssueOutcome =
  | { action: 'opened' | 'updated' | 'unchanged' | 'closed'; number: number; url: string }
  | { action: 'none' }
  | { action: 'forbidden'; status: number; message: string };

export interface DriftIssueRequest {
  marker: string;
  label?: string;
  title: string;
  /** The issue body (must start with the marker). */
  body: string;
  /** Whether the run found drift. */
  drift: boolean;
  /** Said in the closing comment, e.g. a link to the run that found no drift. */
  closingNote: string;
}

interface IssueRecord {
  number: number;
  html_url: string;
  title: string;
  body?: string | null;
  pull_request?: unknown;
}

export async function findDriftIssue(client: GitHubClient, repo: RepoRef, marker: string, label: string): Promise<IssueRecord | undefined> {
  const issues = (await client.paginate(client.rest.issues.listForRepo, {
    ...repo, state: 'open', labels: label, per_page: 100,
  })) as IssueRecord[];
  return issues.find((i) => !i.pull_request && (i.body ?? '').startsWith(marker));
}

export async function syncDriftIssue(client: GitHubClient, repo: RepoRef, request: DriftIssueRequest): Promise<DriftIssueOutcome> {
  const label = request.label ?? DRIFT_LABEL;
  if (!request.body.startsWith(request.marker)) throw new Error('the issue body must start with its marker');
  try {
    const open = await findDriftIssue(client, repo, request.marker, label);
    if (request.drift) {
      if (!open) {
        const { data } = await client.rest.issues.create({ ...repo, title: request.title, body: request.body, labels: [label] });
        return { action: 'opened', number: data.number, url: data.html_url };
      }
      if (open.body === request.body && open.title === request.title) return { action: 'unchanged', number: open.number, url: open.html_url };
      const { data } = await client.rest.issues.update({ ...repo, issue_number: open.number, title: request.title, body: request.body });
      return { action: 'updated', number: data.number, url: data.html_url };
    }
    if (!open) return { action: 'none' };
    await client.rest.issues.createComment({ ...repo, issue_number: open.number, body: request.closingNote });
    const { data } = await client.rest.issues.update({ ...repo, issue_number: open.number, state: 'closed', state_reason: 'completed' });
    return { action: 'closed', number: data.number, url: data.html_url };
  } catch (error) {
    if (isPermissionDenied(error)) return { action: 'forbidden', status: httpStatus(error)!, message: (error as Error).message };
    throw error;
  }
}
