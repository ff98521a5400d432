// Reads a pull request's current head commit: the publish job checks that an uploaded report belongs to it.
// A missing pull request (or no read access) is an answer, undefined, not an exception.

import type { GitHubClient, RepoRef } from './client.ts';
import { isPermissionDenied } from './client.ts';

export async function pullRequestHeadSha(client: GitHubClient, repo: RepoRef, number: number): Promise<string | undefined> {
  try {
    const { data } = await client.rest.pulls.get({ ...repo, pull_number: number });
    return data.head.sha;
  } catch (error) {
    if (isPermissionDenied(error)) return undefined;
    throw error;
  }
}
