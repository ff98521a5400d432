// Which migration files a pull request adds, and which existing ones it edits, against its base branch (git).
// Works in the shallow clone actions/checkout leaves: fetches the base branch and deepens until a merge base exists.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { PullRequestScope } from '../config.ts';
import { UserError } from '../errors.ts';

const run = promisify(execFile);

export interface ChangedMigrationsRequest {
  /** The Alembic project directory (inside the git work tree); returned paths are relative to it. */
  projectDir: string;
  /** The base branch name, e.g. `main` (pull_request.base.ref). */
  baseRef: string;
  /** The base commit from the event (pull_request.base.sha), used when the branch cannot be fetched. */
  baseSha?: string;
  remote?: string;
  /** Deepening steps tried in turn before fetching the whole history. */
  depths?: number[];
  log?: (line: string) => void;
}

export interface ChangedMigrations {
  base: string;
  head: string;
  mergeBase: string;
  /** Migration files the PR adds (relative to the project directory, posix). */
  added: string[];
  /** Migration files that exist at the merge base and that the PR edits (or renames and edits). */
  modified: string[];
  /** Migration files that exist at the merge base and that the PR deletes. */
  deleted: string[];
  /** Pure renames (content unchanged): not new, not edited. */
  renamed: { from: string; to: string }[];
}

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
  return stdout;
}

async function gitOk(cwd: string, args: string[]): Promise<string | null> {
  try {
    return (await git(cwd, args)).trim();
  } catch (error) {
    // git exits 1 for "no" answers (no merge base, missing object): that is the answer, not a failure.
    if (typeof (error as { code?: unknown }).code === 'number') return null;
    throw error;
  }
}

async function hasCommit(cwd: string, rev: string): Promise<boolean> {
  return (await gitOk(cwd, ['cat-file', '-e', `${rev}^{commit}`])) !== null;
}

function gitError(what: string, error: unknown): UserError {
  const stderr = String((error as { stderr?: unknown }).stderr ?? (error as Error).message).trim();
  return new UserError(`${what}: ${stderr.split('\n').slice(-3).join(' ')}`, { input: 'mode' });
}

// Migration scripts define `revision` and `down_revision` at module level (possibly annotated, as Alembic's
// templates do since 1.11): enough to tell them from env.py, models and helpers next to them.
const REVISION_LINE = /^revision\s*(?::[^=\n]+)?=\s*\S/m;
const DOWN_REVISION_LINE = /^down_revision\s*(?::[^=\n]+)?=\s*\S/m;

export function looksLikeMigration(source: string): boolean {
  return REVISION_LINE.test(source) && DOWN_REVISION_LINE.test(source);
}

async function contentAt(cwd: string, rev: string, path: string): Promise<string> {
  // `rev:./path` is relative to cwd, like the --relative paths of git diff.
  return (await gitOk(cwd, ['show', `${rev}:./${path}`])) ?? '';
}

/** Makes sure `base` and HEAD share history locally, fetching as little as it can. Returns the merge base. */
async function ensureMergeBase(cwd: string, base: string, head: string, req: ChangedMigrationsRequest, refspecs: string[]): Promise<string> {
  const log = req.log ?? (() => {});
  const remote = req.remote ?? 'origin';
  let mergeBase = await gitOk(cwd, ['merge-base', base, head]);
  if (mergeBase) return mergeBase;
  const shallow = (await gitOk(cwd, ['rev-parse', '--is-shallow-repository'])) === 'true';
  if (shallow) {
    for (const depth of req.depths ?? [10, 100, 1000]) {
      log(`git: no merge base yet, deepening by ${depth}`);
      try {
        await git(cwd, ['fetch', '--no-tags', `--deepen=${depth}`, remote, ...refspecs, head]);
      } catch (error) {
        throw gitError(`cannot deepen the clone to find where the pull request branched from ${req.baseRef}`, error);
      }
      mergeBase = await gitOk(cwd, ['merge-base', base, head]);
      if (mergeBase) return mergeBase;
    }
    if ((await gitOk(cwd, ['rev-parse', '--is-shallow-repository'])) === 'true') {
      log('git: still no merge base, fetching the whole history');
      try {
        await git(cwd, ['fetch', '--no-tags', '--unshallow', remote, ...refspecs, head]);
      } catch (error) {
        throw gitError('cannot fetch the history of the pull request', error);
      }
      mergeBase = await gitOk(cwd, ['merge-base', base, head]);
      if (mergeBase) return mergeBase;
    }
  }
  throw new UserError(`the pull request branch and ${req.baseRef} share no history: cannot tell which migrations it adds`, { input: 'mode' });
}

export async function changedMigrations(req: ChangedMigrationsRequest): Promise<ChangedMigrations> {
  const cwd = req.projectDir;
  const remote = req.remote ?? 'origin';
  const log = req.log ?? (() => {});
  if ((await gitOk(cwd, ['rev-parse', '--is-inside-work-tree'])) !== 'true') {
    throw new UserError(`PR mode needs a git checkout, and ${cwd} is not in one (use actions/checkout)`, { input: 'mode' });
  }
  const head = (await git(cwd, ['rev-parse', 'HEAD'])).trim();

  // The tip of the base branch gives the right merge base whether HEAD is the PR head or GitHub's merge commit.
  const tracking = `refs/remotes/${remote}/${req.baseRef}`;
  const refspec = `+refs/heads/${req.baseRef}:${tracking}`;
  let base: string | undefined;
  const hasRemote = (await gitOk(cwd, ['remote', 'get-url', remote])) !== null;
  if (hasRemote) {
    log(`git: fetching ${req.baseRef} from ${remote}`);
    try {
      await git(cwd, ['fetch', '--no-tags', '--depth=1', remote, refspec]);
      base = tracking;
    } catch (error) {
      log(`git: cannot fetch ${req.baseRef}: ${String((error as { stderr?: unknown }).stderr ?? error).trim()}`);
    }
  }
  if (!base && req.baseSha) {
    if (!(await hasCommit(cwd, req.baseSha)) && hasRemote) {
      await gitOk(cwd, ['fetch', '--no-tags', '--depth=1', remote, req.baseSha]);
    }
    if (await hasCommit(cwd, req.baseSha)) base = req.baseSha;
  }
  if (!base && (await hasCommit(cwd, tracking))) base = tracking;
  if (!base) {
    throw new UserError(`cannot find the base branch ${req.baseRef}${req.baseSha ? ` (${req.baseSha})` : ''} in the repository or on ${remote}`, { input: 'mode' });
  }

  const mergeBase = await ensureMergeBase(cwd, base, head, req, base === tracking ? [refspec] : []);
  const baseCommit = (await git(cwd, ['rev-parse', base])).trim();

  const raw = await git(cwd, ['diff', '--name-status', '-z', '--find-renames', '--relative', mergeBase, head, '--', '.']);
  const fields = raw.split('\0');
  const changes: { status: string; path: string; from?: string }[] = [];
  for (let i = 0; i < fields.length - 1;) {
    const status = fields[i++]!;
    if (status.startsWith('R') || status.startsWith('C')) {
      const from = fields[i++]!;
      changes.push({ status, from, path: fields[i++]! });
    } else {
      changes.push({ status, path: fields[i++]! });
    }
  }

  const result: ChangedMigrations = { base: baseCommit, head, mergeBase, added: [], modified: [], deleted: [], renamed: [] };
  for (const c of changes) {
    if (!c.path.endsWith('.py')) continue;
    const kind = c.status[0];
    if (kind === 'A' || kind === 'C') {
      if (looksLikeMigration(await contentAt(cwd, head, c.path))) result.added.push(c.path);
    } else if (kind === 'M' || kind === 'T') {
      if (looksLikeMigration(await contentAt(cwd, mergeBase, c.path))) result.modified.push(c.path);
    } else if (kind === 'D') {
      if (looksLikeMigration(await contentAt(cwd, mergeBase, c.path))) result.deleted.push(c.path);
    } else if (kind === 'R') {
      if (!looksLikeMigration(await contentAt(cwd, mergeBase, c.from!))) continue;
      if (c.status === 'R100') result.renamed.push({ from: c.from!, to: c.path });
      else result.modified.push(c.path);
    }
  }
  for (const list of [result.added, result.modified, result.deleted]) list.sort();
  return result;
}

/** The PR scope handed to Config: new files, and every existing migration the PR edits or deletes. */
export function pullRequestScope(changes: ChangedMigrations, baseRef: string, baseSha?: string): PullRequestScope {
  return {
    baseRef,
    ...(baseSha ? { baseSha } : {}),
    newFiles: changes.added,
    modifiedFiles: [...changes.modified, ...changes.deleted].sort(),
  };
}

/** A local commit for `ref` (a branch, a tag, `HEAD~3`), or undefined: lets the CLI run PR mode on a laptop. */
export async function resolveCommit(cwd: string, ref: string): Promise<string | undefined> {
  return (await gitOk(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])) ?? undefined;
}
