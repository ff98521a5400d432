// The GitHub REST client: the real Octokit from @actions/github, pointed at GITHUB_API_URL (GHES, or a test server).
// Only src/github/ talks to GitHub; everything else hands it plain values.

import { getOctokit } from '@actions/github';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface RepoRef {
  owner: string;
  repo: string;
}

/** `apiUrl` is read by the caller (Config/inputs), never here at import time. */
export function createClient(token: string, apiUrl: string): GitHubClient {
  return getOctokit(token, { baseUrl: apiUrl.replace(/\/+$/, '') });
}

/** An HTTP error from Octokit (its RequestError), told apart from network and programming errors. */
export function httpStatus(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'status' in error && typeof (error as { status: unknown }).status === 'number') {
    return (error as { status: number }).status;
  }
  return undefined;
}

/** 403 and 404 are what a token without write access gets (fork PRs, missing `permissions:`). */
export function isPermissionDenied(error: unknown): boolean {
  const status = httpStatus(error);
  return status === 403 || status === 404;
}

export function parseRepository(value: string): RepoRef | undefined {
  const m = /^([^/\s]+)\/([^/\s]+)$/.exec(value.trim());
  return m ? { owner: m[1]!, repo: m[2]! } : undefined;
}
