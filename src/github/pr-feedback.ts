// Everything the Action tells a pull request, for one project: the sticky comment (by the `comment` input) and,
// with `suggestions: true`, the review of suggested changes. Posting may fail (fork PRs, GitHub down): the check
// result stands regardless, so failures become notices and warnings, never exceptions.

import * as core from '@actions/core';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { redact } from '../redact.ts';
import { codeDocUrl } from '../report/finding-codes.ts';
import type { CommentLinks } from '../report/links.ts';
import { renderMarkdownDetailed } from '../report/markdown.ts';
import { commentMarker } from '../report/markdown-escape.ts';
import type { Report } from '../report/model.ts';
import { planSuggestions, suggestionBody } from '../report/suggestions.ts';
import { createClient, type RepoRef } from './client.ts';
import { publishComment, type CommentMode } from './pr-comment.ts';
import { syncSuggestionReview } from './review-suggestions.ts';

export interface FeedbackRequest {
  token: string;
  apiUrl: string;
  repo: RepoRef;
  prNumber: number;
  report: Report;
  /** The project directory relative to the repository root. */
  projectKey: string;
  /** Absolute project directory in the workspace, to read the migration files suggestions edit. */
  projectDir?: string;
  comment: CommentMode;
  suggestions: boolean;
  /** Links at the PR head commit; without a head commit, files are not linked and no review is posted. */
  links?: CommentLinks;
  fullReportUrl?: string;
  log: (line: string) => void;
}

export async function postPullRequestFeedback(r: FeedbackRequest): Promise<void> {
  const client = createClient(r.token, r.apiUrl);
  const marker = commentMarker(r.projectKey);
  const rendered = renderMarkdownDetailed(r.report, { variant: 'comment', projectKey: r.projectKey, marker, fullReportUrl: r.fullReportUrl, links: r.links });
  if (rendered.level !== 'full') r.log(`PR comment shortened to fit GitHub's limit (${rendered.level}, ${rendered.bytes} bytes)`);
  try {
    const outcome = await publishComment(client, { ...r.repo, issueNumber: r.prNumber }, {
      mode: r.comment, report: r.report, marker, projectKey: r.projectKey, body: redact(rendered.markdown),
    });
    if (outcome.action === 'forbidden') {
      core.notice(
        `Could not comment on pull request #${r.prNumber} (HTTP ${outcome.status}): the token cannot write here, as for pull requests ` +
          'from forks. The report is in the job summary and the annotations; the check result is unchanged. ' +
          'See the two-workflow pattern (workflow_run) in the docs to comment on fork pull requests.',
        { title: 'alembic-preflight: no PR comment' },
      );
    } else if (outcome.action === 'skipped') {
      r.log(`no PR comment: ${outcome.why}`);
    } else if (outcome.action !== 'none') {
      r.log(`PR comment ${outcome.action}: ${outcome.url}`);
      core.setOutput('comment-url', outcome.url);
    }
  } catch (error) {
    // GitHub being unreachable must not turn a passing check red, nor hide a failing one.
    core.warning(`Could not post the PR comment: ${redact((error as Error).message)}`);
  }
  if (r.suggestions) await postSuggestions(client, r);
}

async function postSuggestions(client: ReturnType<typeof createClient>, r: FeedbackRequest): Promise<void> {
  if (!r.links || !r.projectDir) {
    r.log('no suggestions review: the pull request head commit is unknown');
    return;
  }
  const dir = r.projectDir;
  const read = (file: string) => (existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8') : null);
  const planned = planSuggestions(r.report, r.projectKey, read);
  const version = r.report.tool.version;
  const marker = commentMarker(r.projectKey, 'alembic-preflight-suggestions');
  const body = `${marker}\n**alembic-preflight** \`${r.projectKey}\`: ${planned.length} suggested ${planned.length === 1 ? 'change' : 'changes'} for commit ${r.links.headSha.slice(0, 7)} (apply them from the Files tab).`;
  try {
    const outcome = await syncSuggestionReview(client, { ...r.repo, pullNumber: r.prNumber }, {
      marker, headSha: r.links.headSha, body,
      comments: planned.map((s) => ({ path: s.path, line: s.line, startLine: s.startLine, body: suggestionBody(s, version, codeDocUrl(s.code, version)) })),
    });
    if (outcome.action === 'forbidden' || outcome.action === 'rejected') {
      core.notice(`Could not post the suggested changes (HTTP ${outcome.status}): ${redact(outcome.message)}`, { title: 'alembic-preflight: no suggestions' });
    } else if (outcome.action === 'created') {
      r.log(`suggestions review created (${planned.length}): ${outcome.url}${outcome.replaced ? `; ${outcome.replaced} earlier one replaced` : ''}`);
    } else {
      r.log(`suggestions review: ${outcome.action}`);
    }
  } catch (error) {
    core.warning(`Could not post the suggested changes: ${redact((error as Error).message)}`);
  }
}
