// Links a PR comment carries: a finding's file:line at the pull request's head commit, the workflow run, the
// commit itself. Pure: URLs from plain values; nothing here reads the environment.

import { posix } from 'node:path';

export interface CommentLinks {
  /** The checked repository's web address, e.g. https://github.com/acme/shop. */
  repositoryUrl: string;
  /** The commit the run checked (the pull request's head, not the merge commit). */
  headSha: string;
  /** The project directory relative to the repository root ('.' for the root). */
  projectPath: string;
  /** The workflow run's page. */
  runUrl?: string;
}

function encodePath(path: string): string {
  return path.split('/').map((s) => encodeURIComponent(s)).join('/');
}

/** The file (project-relative) at the head commit, at its line when there is one. */
export function fileUrl(links: CommentLinks, file: string, line?: number): string {
  const path = posix.normalize(posix.join(links.projectPath.replaceAll('\\', '/'), file.replaceAll('\\', '/'))).replace(/^\.\//, '');
  return `${links.repositoryUrl}/blob/${links.headSha}/${encodePath(path)}${line ? `#L${line}` : ''}`;
}

export function commitUrl(links: CommentLinks): string {
  return `${links.repositoryUrl}/commit/${links.headSha}`;
}

/** A URL safe inside Markdown link parentheses. */
export function markdownUrl(url: string): string {
  return encodeURI(decodeURI(url)).replaceAll('(', '%28').replaceAll(')', '%29');
}
