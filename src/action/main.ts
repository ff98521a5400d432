// The Action: inputs → (PR: changed migrations) → Config → runChecks → report files, annotations, job summary,
// sticky PR comment or drift issue, outputs. Posting may fail (fork PRs); the check result stands regardless.

import * as core from '@actions/core';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { EOL } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { resolveConfig, type PullRequestScope } from '../config.ts';
import { interruptedBy } from '../database/cleanup.ts';
import { describeError, UserError } from '../errors.ts';
import { createClient, parseRepository, type RepoRef } from '../github/client.ts';
import { DRIFT_LABEL, syncDriftIssue } from '../github/drift-issue.ts';
import { emitAnnotations, writeJobSummary } from '../github/job-summary.ts';
import { pullRequestHeadSha } from '../github/pull-request.ts';
import { postPullRequestFeedback } from '../github/pr-feedback.ts';
import { runChecks } from '../pipeline/run-databases.ts';
import { changedMigrations, pullRequestScope } from '../pr/changed-migrations.ts';
import { addSecret, redact } from '../redact.ts';
import { planAnnotations } from '../report/annotations.ts';
import { readReport, renderJson } from '../report/json.ts';
import { renderMarkdown, renderMarkdownDetailed } from '../report/markdown.ts';
import { codeBlock, commentMarker } from '../report/markdown-escape.ts';
import type { Report } from '../report/model.ts';
import { renderSarif } from '../report/sarif.ts';
import { renderText } from '../report/text.ts';
import { countsPhrase } from '../report/wording.ts';
import {
  defaultOutputDir, getInputs, getRunContext, keepLogLine, maskSecrets, runUrl, toRawOptions, workspacePath,
  type ActionInputs, type RunContext,
} from './inputs.ts';

interface PullRequestEvent {
  number: number;
  base: { ref: string; sha?: string };
  head: { sha?: string; repo?: { fork?: boolean; full_name?: string } | null };
}

interface EventPayload {
  pull_request?: PullRequestEvent;
  workflow_run?: { head_sha?: string; event?: string };
}

function readEvent(ctx: RunContext): EventPayload {
  if (!ctx.eventPath) return {};
  try {
    return JSON.parse(readFileSync(ctx.eventPath, 'utf8')) as EventPayload;
  } catch (error) {
    throw new UserError(`cannot read the event payload ${ctx.eventPath}: ${(error as Error).message}`);
  }
}

function log(line: string): void {
  core.info(redact(line));
}

function repoOf(ctx: RunContext): RepoRef | undefined {
  return ctx.repository ? parseRepository(ctx.repository) : undefined;
}

function writeFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, redact(text));
}

async function postComment(inputs: ActionInputs, ctx: RunContext, report: Report, projectKey: string, prNumber: number, headSha?: string, projectDir?: string): Promise<void> {
  const repo = repoOf(ctx);
  if (!repo || !inputs.githubToken) {
    core.notice('No PR comment: GITHUB_REPOSITORY or the github-token input is missing. The report is in the job summary.');
    return;
  }
  const links = headSha ? { repositoryUrl: `${ctx.serverUrl}/${ctx.repository}`, headSha, projectPath: projectKey, runUrl: runUrl(ctx, false) } : undefined;
  await postPullRequestFeedback({
    token: inputs.githubToken, apiUrl: ctx.apiUrl, repo, prNumber, report, projectKey, projectDir,
    comment: inputs.comment, suggestions: inputs.suggestions, links, fullReportUrl: runUrl(ctx), log,
  });
}

async function syncIssue(inputs: ActionInputs, ctx: RunContext, report: Report, projectKey: string): Promise<void> {
  const repo = repoOf(ctx);
  const live = report.checks.find((c) => c.id === 'live-drift');
  // Only a finished live-drift check can say there is no drift: a failed run must not close the issue.
  if (!live || live.status === 'error' || live.status === 'skipped' || report.error) {
    log('drift issue left as it is: the live-drift check did not complete');
    return;
  }
  if (!repo || !inputs.githubToken) {
    core.notice('No drift issue: GITHUB_REPOSITORY or the github-token input is missing.');
    return;
  }
  const marker = commentMarker(projectKey, 'alembic-preflight-drift');
  const url = runUrl(ctx);
  const body = renderMarkdown(report, { variant: 'comment', projectKey, marker, fullReportUrl: url });
  try {
    const outcome = await syncDriftIssue(createClient(inputs.githubToken, ctx.apiUrl), repo, {
      marker,
      label: inputs.driftIssueLabel || DRIFT_LABEL,
      title: `Schema drift: the live database differs from the migrations (${projectKey})`,
      body: redact(body),
      drift: live.findings.length > 0,
      closingNote: `No drift any more: ${url ? `[this run](${url})` : 'the latest nightly run'} found the live database matching the migrations.`,
    });
    if (outcome.action === 'forbidden') {
      core.notice(`Could not write the drift issue (HTTP ${outcome.status}): give the job \`permissions: issues: write\`.`);
      return;
    }
    if (outcome.action !== 'none') {
      log(`drift issue ${outcome.action}: ${outcome.url}`);
      core.setOutput('drift-issue-url', outcome.url);
    }
  } catch (error) {
    core.warning(`Could not update the drift issue: ${redact((error as Error).message)}`);
  }
}

function setOutputs(report: Report, reportPath: string, sarifPath: string): void {
  core.setOutput('status', report.status);
  core.setOutput('errors', report.counts.error);
  core.setOutput('warnings', report.counts.warning);
  core.setOutput('notices', report.counts.notice);
  core.setOutput('report-path', reportPath);
  core.setOutput('sarif-path', sarifPath);
}

/** workflow_run half of the fork-safe pattern: post a report made by the PR job, running none of the PR's code. */
async function publish(inputs: ActionInputs, ctx: RunContext, event: EventPayload): Promise<void> {
  if (!inputs.reportFile || !inputs.prNumber) {
    throw new UserError('mode publish needs the report-file and pr-number inputs', { input: 'report-file' });
  }
  const report = readReport(workspacePath(ctx, inputs.reportFile));
  const repo = repoOf(ctx);
  const headSha = event.workflow_run?.head_sha;
  // The artifact is untrusted: only post on the pull request whose head the reporting run actually checked.
  if (headSha && repo && inputs.githubToken) {
    const prHead = await pullRequestHeadSha(createClient(inputs.githubToken, ctx.apiUrl), repo, inputs.prNumber);
    if (prHead !== headSha) {
      // A newer push has its own run coming, or the artifact names a pull request it was not made for.
      core.notice(`Not posting: pull request #${inputs.prNumber} is at ${prHead ?? 'an unknown commit'}, and the report is for ${headSha}.`);
      return;
    }
  }
  const projectKey = report.projectDir;
  await writeJobSummary(renderMarkdown(report, { variant: 'summary', projectKey }));
  await postComment(inputs, ctx, report, projectKey, inputs.prNumber, headSha);
  setOutputs(report, workspacePath(ctx, inputs.reportFile), '');
}

// Set once an error escaped run(): from then on run() posts nothing (no comment, no issue, no outputs of its own).
let crashed = false;
// The token that resumes workflow commands while the pipeline runs with them stopped.
let commandsStoppedWith: string | null = null;

/**
 * An error that escaped run() (an 'error' event nobody listens to, a rejection nobody awaits) is a bug: the step
 * answers status=error with a job summary saying what happened, fails, and posts no comment. index.ts then cleans up.
 */
export async function reportCrash(kind: string, error: unknown): Promise<void> {
  crashed = true;
  if (commandsStoppedWith) process.stdout.write(`::${commandsStoppedWith}::${EOL}`);
  commandsStoppedWith = null;
  const message = redact(`internal error (${kind}): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  core.setOutput('status', 'error');
  try {
    await writeJobSummary(
      '### alembic-preflight crashed\n\nThe run stopped on an internal error (a bug in alembic-preflight): there is no ' +
        'report, and the PR comment is left as it was (nothing half-written is posted). Please report it with this ' +
        `message:\n\n${codeBlock(message)}\n`,
    );
  } catch (summaryError) {
    core.warning(`Could not write the job summary: ${(summaryError as Error).message}`);
  }
  core.setFailed(message);
}

export async function run(): Promise<void> {
  try {
    const inputs = getInputs();
    maskSecrets(inputs);
    addSecret(inputs.databaseUrl);
    if (inputs.database?.includes('://')) addSecret(inputs.database);
    const ctx = getRunContext();
    const event = readEvent(ctx);
    if (inputs.mode === 'publish') return await publish(inputs, ctx, event);

    const mode = inputs.mode === 'auto' ? (event.pull_request ? 'pr' : 'full') : inputs.mode;
    const projectDir = workspacePath(ctx, inputs.workingDirectory);
    if (!existsSync(projectDir) || !statSync(projectDir).isDirectory()) {
      throw new UserError(`working-directory ${inputs.workingDirectory} does not exist in the repository`, { input: 'working-directory' });
    }
    let pr: PullRequestScope | undefined;
    if (mode === 'pr') {
      const p = event.pull_request;
      if (!p) throw new UserError('mode pr needs a pull_request event (GITHUB_EVENT_PATH has no pull_request)', { input: 'mode' });
      const changes = await changedMigrations({ projectDir, baseRef: p.base.ref, baseSha: p.base.sha, log });
      const changed = changes.modified.length + changes.deleted.length;
      log(`pull request #${p.number}: ${changes.added.length} new ${changes.added.length === 1 ? 'migration' : 'migrations'}, ${changed} existing ${changed === 1 ? 'one' : 'ones'} changed`);
      pr = pullRequestScope(changes, p.base.ref, p.base.sha);
    }

    const config = await resolveConfig(toRawOptions(inputs, mode, pr), ctx.workspace);
    const projectKey = relative(ctx.workspace, config.projectDir).replaceAll('\\', '/') || '.';
    const outDir = defaultOutputDir(ctx, projectKey);
    const reportPath = inputs.report ? workspacePath(ctx, inputs.report) : join(outDir, 'report.json');
    const sarifPath = inputs.sarif ? workspacePath(ctx, inputs.sarif) : join(outDir, 'results.sarif');

    core.startGroup(`alembic-preflight: ${projectKey} (${mode} mode)`);
    // What the migrations print, and their docstrings in our report, must not act as workflow commands.
    const resume = randomUUID();
    commandsStoppedWith = resume;
    process.stdout.write(`::stop-commands::${resume}${EOL}`);
    let report: Report;
    try {
      report = await runChecks(config, { log: (line) => keepLogLine(line, inputs.verbose) && log(line) });
      log(renderText(report));
    } finally {
      if (commandsStoppedWith) process.stdout.write(`::${resume}::${EOL}`);
      commandsStoppedWith = null;
      core.endGroup();
    }

    // Cancelled (SIGINT/SIGTERM): the cleanup handler is ending the process; post nothing half-true.
    if (interruptedBy() || crashed) return;
    writeFile(reportPath, renderJson(report));
    writeFile(sarifPath, `${JSON.stringify(renderSarif(report, { pathPrefix: projectKey }), null, 2)}\n`);
    if (inputs.annotations) {
      emitAnnotations(planAnnotations(report, { pathPrefix: projectKey, reserveErrors: report.status === 'passed' ? 0 : 1 }));
    }
    const summary = renderMarkdownDetailed(report, { variant: 'summary', projectKey });
    await writeJobSummary(redact(summary.markdown));

    if (crashed) return;
    if (mode === 'pr') await postComment(inputs, ctx, report, projectKey, event.pull_request!.number, event.pull_request!.head.sha, config.projectDir);
    if (mode === 'drift' && inputs.driftIssue) await syncIssue(inputs, ctx, report, projectKey);

    setOutputs(report, reportPath, sarifPath);
    if (report.status === 'failed') core.setFailed(`alembic-preflight failed: ${countsPhrase(report.counts)}`);
    else if (report.status === 'error') core.setFailed(redact(describeError(new UserError(report.error?.message ?? 'the run did not finish', report.error ?? {}))));
  } catch (error) {
    // A run that could not even start still answers: status error, and a line in the job summary.
    const message = redact(describeError(error));
    core.setOutput('status', 'error');
    await writeJobSummary(`### alembic-preflight could not run\n\n${codeBlock(message)}\n`).catch(() => undefined);
    core.setFailed(message);
  }
}
