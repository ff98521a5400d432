// The Action's inputs and run context, read once by getInputs()/getRunContext() into typed objects (never at
// module scope), and turned into the RawOptions that resolveConfig validates like CLI flags.

import * as core from '@actions/core';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { PullRequestScope, RawOptions } from '../config.ts';
import { nameSettingsAsInputs, UserError } from '../errors.ts';
import { urlPasswords } from '../redact.ts';
import { COMMENT_MODES, type CommentMode } from '../github/pr-comment.ts';

export type ActionMode = 'auto' | 'pr' | 'full' | 'drift' | 'publish';
const MODES: ActionMode[] = ['auto', 'pr', 'full', 'drift', 'publish'];

export interface ActionInputs {
  workingDirectory: string;
  config?: string;
  name?: string;
  python?: string;
  database?: string;
  postgresVersion?: string;
  postgresImage?: string;
  envVars?: string;
  /** Flask-Migrate projects: the app, as FLASK_APP takes it (`module:factory`). */
  flaskApp?: string;
  checks?: string;
  mode: ActionMode;
  stairwayScope?: string;
  minDowngradeRevision?: string;
  /** Drift mode: the live database to compare against. A secret. */
  databaseUrl?: string;
  failOn?: string;
  /** changes (the default): comment when the PR changes a migration; always; never. */
  comment: CommentMode;
  /** Post mechanical fixes as a review of GitHub suggested changes (one review per push). */
  suggestions: boolean;
  annotations: boolean;
  /** Where to write the SARIF file and the JSON report (relative to the workspace); default: under RUNNER_TEMP. */
  sarif?: string;
  report?: string;
  githubToken?: string;
  driftIssue: boolean;
  driftIssueLabel: string;
  /** Publish mode: the JSON report to post and the pull request to post it on. */
  reportFile?: string;
  prNumber?: number;
  verbose: boolean;
  /** How long a migration step may run without progress (`10m`, `0`: no limit). */
  stepTimeout?: string;
  maxLockSeconds?: string;
  tableSizesFrom?: string;
  /** The name of an environment variable holding the database URL (check: server URL; drift: the live one). */
  databaseUrlEnv?: string;
}

/** What GitHub tells every step through the environment. */
export interface RunContext {
  workspace: string;
  eventName?: string;
  eventPath?: string;
  repository?: string;
  serverUrl: string;
  apiUrl: string;
  runId?: string;
  runAttempt?: string;
  runnerTemp: string;
  sha?: string;
}

function optional(name: string): string | undefined {
  const value = core.getInput(name);
  return value === '' ? undefined : value;
}

function bool(name: string, fallback: boolean): boolean {
  const value = core.getInput(name).toLowerCase();
  if (value === '') return fallback;
  if (['true', 'yes', 'on', '1'].includes(value)) return true;
  if (['false', 'no', 'off', '0'].includes(value)) return false;
  throw new UserError(`input ${name} must be true or false, not "${value}"`, { input: name });
}

/** `changes`, `always` or `never`; `true`/`false` from before the modes existed mean changes/never. */
function commentMode(): CommentMode {
  const value = core.getInput('comment').toLowerCase();
  if (value === '' || ['true', 'yes', 'on', '1'].includes(value)) return 'changes';
  if (['false', 'no', 'off', '0'].includes(value)) return 'never';
  if ((COMMENT_MODES as readonly string[]).includes(value)) return value as CommentMode;
  throw new UserError(`input comment must be one of ${COMMENT_MODES.join(', ')}, not "${value}"`, { input: 'comment' });
}

/** Alembic's and env.py's own output (the driver's log lines) is shown only with `verbose: true`. */
export function keepLogLine(line: string, verbose: boolean): boolean {
  return verbose || !line.startsWith('  | ');
}

export function getInputs(): ActionInputs {
  // Errors from here on name the Action's inputs, not the CLI's flags.
  nameSettingsAsInputs();
  const mode = (optional('mode') ?? 'auto') as ActionMode;
  if (!MODES.includes(mode)) throw new UserError(`input mode must be one of ${MODES.join(', ')}, not "${mode}"`, { input: 'mode' });
  const prNumberText = optional('pr-number');
  const prNumber = prNumberText === undefined ? undefined : Number(prNumberText);
  if (prNumber !== undefined && !(Number.isInteger(prNumber) && prNumber > 0)) {
    throw new UserError(`input pr-number must be a pull request number, not "${prNumberText}"`, { input: 'pr-number' });
  }
  return {
    workingDirectory: optional('working-directory') ?? '.',
    config: optional('config'),
    name: optional('name'),
    python: optional('python'),
    database: optional('database'),
    postgresVersion: optional('postgres-version'),
    postgresImage: optional('postgres-image'),
    envVars: optional('env-vars'),
    flaskApp: optional('flask-app'),
    checks: optional('checks'),
    mode,
    stairwayScope: optional('stairway-scope'),
    minDowngradeRevision: optional('min-downgrade-revision'),
    databaseUrl: optional('database-url'),
    failOn: optional('fail-on'),
    comment: commentMode(),
    suggestions: bool('suggestions', false),
    annotations: bool('annotations', true),
    sarif: optional('sarif'),
    report: optional('report'),
    githubToken: optional('github-token'),
    driftIssue: bool('drift-issue', true),
    driftIssueLabel: optional('drift-issue-label') ?? 'alembic-preflight-drift',
    reportFile: optional('report-file'),
    prNumber,
    verbose: bool('verbose', false),
    stepTimeout: optional('step-timeout'),
    maxLockSeconds: optional('max-lock-seconds'),
    tableSizesFrom: optional('table-sizes-from'),
    databaseUrlEnv: optional('database-url-env'),
  };
}

export function getRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  return {
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    eventName: env.GITHUB_EVENT_NAME || undefined,
    eventPath: env.GITHUB_EVENT_PATH || undefined,
    repository: env.GITHUB_REPOSITORY || undefined,
    serverUrl: (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, ''),
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    runId: env.GITHUB_RUN_ID || undefined,
    runAttempt: env.GITHUB_RUN_ATTEMPT || undefined,
    runnerTemp: env.RUNNER_TEMP || tmpdir(),
    sha: env.GITHUB_SHA || undefined,
  };
}

/** The run's page, where the job summary is: linked from a shortened comment. Without the attempt, the link stays
 * the same when the run is re-run (so the comment's footer does too). */
export function runUrl(ctx: RunContext, withAttempt = true): string | undefined {
  if (!ctx.repository || !ctx.runId) return undefined;
  return `${ctx.serverUrl}/${ctx.repository}/actions/runs/${ctx.runId}${withAttempt && ctx.runAttempt && ctx.runAttempt !== '1' ? `/attempts/${ctx.runAttempt}` : ''}`;
}

/** Registers every secret the inputs hold with the runner, so no log line can show it: whole URLs and passwords. */
export function maskSecrets(inputs: ActionInputs): void {
  const fromEnv = inputs.databaseUrlEnv ? process.env[inputs.databaseUrlEnv] : undefined;
  for (const value of [inputs.databaseUrl, inputs.database?.includes('://') ? inputs.database : undefined, fromEnv]) {
    if (!value) continue;
    core.setSecret(value);
    // `?password=...` and passwords with an unencoded '@', which URL parsing below does not see as such.
    for (const password of urlPasswords(value)) core.setSecret(password);
    // Unparseable: the whole value is masked above, which is all that can be done.
    if (!URL.canParse(value)) continue;
    const password = new URL(value).password;
    if (password) {
      core.setSecret(password);
      core.setSecret(safeDecode(password));
    }
  }
  if (inputs.githubToken) core.setSecret(inputs.githubToken);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch (error) {
    // A password with a stray `%` is not percent-encoded: it is masked as it is.
    if (error instanceof URIError) return text;
    throw error;
  }
}

/** Input paths are relative to the workspace (the repository root), like other actions' paths. */
export function workspacePath(ctx: RunContext, path: string): string {
  return isAbsolute(path) ? path : resolve(ctx.workspace, path);
}

/** Where the report and SARIF go by default: one directory per project under RUNNER_TEMP. */
export function defaultOutputDir(ctx: RunContext, projectKey: string): string {
  return join(ctx.runnerTemp, 'alembic-preflight', projectKey === '.' ? 'root' : projectKey.replace(/[^\w.-]+/g, '_'));
}

/** The inputs as resolveConfig's RawOptions (strings as given; resolveConfig validates and applies defaults). */
export function toRawOptions(inputs: ActionInputs, mode: 'pr' | 'full' | 'drift', pr?: PullRequestScope): RawOptions {
  return {
    command: mode === 'drift' ? 'drift' : 'check',
    mode,
    dir: inputs.workingDirectory,
    config: inputs.config,
    name: inputs.name,
    python: inputs.python,
    database: inputs.database,
    postgresVersion: inputs.postgresVersion,
    postgresImage: inputs.postgresImage,
    envVars: inputs.envVars,
    flaskApp: inputs.flaskApp,
    checks: inputs.checks,
    minDowngradeRevision: inputs.minDowngradeRevision,
    failOn: inputs.failOn,
    format: 'text',
    stairwayScope: inputs.stairwayScope,
    databaseUrl: inputs.databaseUrl,
    verbose: inputs.verbose,
    pr,
    stepTimeout: inputs.stepTimeout,
    maxLockSeconds: inputs.maxLockSeconds,
    tableSizesFrom: inputs.tableSizesFrom,
    databaseUrlEnv: inputs.databaseUrlEnv,
  };
}
