// changedMigrations on real git repositories built in a temp dir: a base branch, a PR branch that adds one
// migration and edits another, and the shallow single-branch clone actions/checkout leaves (depth 1).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { changedMigrations, looksLikeMigration, pullRequestScope } from '../../src/pr/changed-migrations.ts';
import { UserError } from '../../src/errors.ts';

const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', GIT_CONFIG_NOSYSTEM: '1', HOME: tmpdir() };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();

function migration(rev: string, down: string | null, body = 'pass'): string {
  return `"""${rev}"""\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision: str = "${rev}"\ndown_revision: str | None = ${down ? `"${down}"` : 'None'}\n\n\ndef upgrade() -> None:\n    ${body}\n\n\ndef downgrade() -> None:\n    pass\n`;
}

let root: string;
let origin: string;
const versions = 'backend/alembic/versions';

before(() => {
  root = mkdtempSync(join(tmpdir(), 'preflight-git-'));
  origin = join(root, 'origin');
  mkdirSync(join(origin, versions), { recursive: true });
  git(origin, 'init', '-q', '-b', 'main');
  const write = (path: string, text: string) => writeFileSync(join(origin, path), text);
  write('backend/alembic/env.py', 'target_metadata = None\n');
  write(`${versions}/r1_create.py`, migration('r1', null));
  git(origin, 'add', '-A');
  git(origin, 'commit', '-qm', 'r1');
  // Enough base history that a depth-1 clone cannot see the fork point.
  for (let i = 2; i <= 14; i++) {
    write(`${versions}/r${i}_step.py`, migration(`r${i}`, `r${i - 1}`));
    git(origin, 'add', '-A');
    git(origin, 'commit', '-qm', `r${i}`);
  }
  git(origin, 'checkout', '-qb', 'feature');
  write(`${versions}/r15_new.py`, migration('r15', 'r14'));
  write(`${versions}/r3_step.py`, migration('r3', 'r2', 'op.drop_table("x")'));
  git(origin, 'add', '-A');
  git(origin, 'commit', '-qm', 'add r15, edit r3');
  // Not migrations: env.py and a helper module are edited/added, and a README.
  write('backend/alembic/env.py', 'target_metadata = None  # edited\n');
  write(`${versions}/helpers.py`, 'def helper():\n    return 1\n');
  write('README.md', 'hi\n');
  git(origin, 'add', '-A');
  git(origin, 'commit', '-qm', 'unrelated edits');
  for (let i = 0; i < 12; i++) {
    write('backend/notes.txt', `note ${i}\n`);
    git(origin, 'add', '-A');
    git(origin, 'commit', '-qm', `note ${i}`);
  }
  // The base branch moves on after the PR branched.
  git(origin, 'checkout', '-q', 'main');
  write('backend/other.txt', 'main moved\n');
  git(origin, 'add', '-A');
  git(origin, 'commit', '-qm', 'main moves on');
});
after(() => rmSync(root, { recursive: true, force: true }));

test('looksLikeMigration tells migration scripts from env.py and helpers', () => {
  assert.equal(looksLikeMigration(migration('a', null)), true);
  assert.equal(looksLikeMigration("revision = 'a'\ndown_revision = ('b', 'c')\n"), true);
  assert.equal(looksLikeMigration('target_metadata = None\n'), false);
  assert.equal(looksLikeMigration('def f():\n    revision = 1\n    down_revision = 2\n'), false);
});

test('a depth-1 clone of the PR branch: fetches the base, deepens, and finds one new and one edited migration', async () => {
  const clone = join(root, 'shallow');
  git(root, 'clone', '-q', '--depth', '1', '--branch', 'feature', `file://${origin}`, clone);
  assert.equal(git(clone, 'rev-parse', '--is-shallow-repository'), 'true');
  const log: string[] = [];
  const changes = await changedMigrations({ projectDir: join(clone, 'backend'), baseRef: 'main', log: (l) => log.push(l) });
  assert.deepEqual(changes.added, ['alembic/versions/r15_new.py']);
  assert.deepEqual(changes.modified, ['alembic/versions/r3_step.py']);
  assert.deepEqual(changes.deleted, []);
  assert.equal(changes.mergeBase, git(origin, 'rev-parse', 'main~1'));
  assert.equal(changes.base, git(origin, 'rev-parse', 'main'));
  assert.ok(log.some((l) => l.includes('deepening')), `expected a deepening fetch, log: ${log.join(' | ')}`);
  assert.deepEqual(pullRequestScope(changes, 'main', 'abc'), {
    baseRef: 'main', baseSha: 'abc', newFiles: ['alembic/versions/r15_new.py'], modifiedFiles: ['alembic/versions/r3_step.py'],
  });
});

test('GitHub’s merge commit checked out (HEAD = PR merged into base) gives the same answer', async () => {
  const clone = join(root, 'merge');
  git(root, 'clone', '-q', `file://${origin}`, clone);
  git(clone, 'checkout', '-q', 'main');
  git(clone, 'merge', '-q', '--no-ff', '-m', 'Merge feature into main', 'origin/feature');
  const changes = await changedMigrations({ projectDir: join(clone, 'backend'), baseRef: 'main' });
  assert.deepEqual(changes.added, ['alembic/versions/r15_new.py']);
  assert.deepEqual(changes.modified, ['alembic/versions/r3_step.py']);
});

test('a deleted migration and a renamed one: the deletion is an edit, a pure rename is not', async () => {
  const clone = join(root, 'renames');
  git(root, 'clone', '-q', '--branch', 'main', `file://${origin}`, clone);
  git(clone, 'checkout', '-qb', 'cleanup');
  git(clone, 'rm', '-q', `${versions}/r14_step.py`);
  git(clone, 'mv', `${versions}/r2_step.py`, `${versions}/r2_renamed.py`);
  git(clone, 'commit', '-qm', 'cleanup');
  const changes = await changedMigrations({ projectDir: join(clone, 'backend'), baseRef: 'main' });
  assert.deepEqual(changes.added, []);
  assert.deepEqual(changes.deleted, ['alembic/versions/r14_step.py']);
  assert.deepEqual(changes.renamed, [{ from: 'alembic/versions/r2_step.py', to: 'alembic/versions/r2_renamed.py' }]);
  assert.deepEqual(pullRequestScope(changes, 'main').modifiedFiles, ['alembic/versions/r14_step.py']);
});

test('not a git checkout, or an unknown base branch, is a UserError', async () => {
  const plain = mkdtempSync(join(tmpdir(), 'preflight-nogit-'));
  try {
    await assert.rejects(changedMigrations({ projectDir: plain, baseRef: 'main' }), (e) => e instanceof UserError && /git checkout/.test(e.message));
  } finally {
    rmSync(plain, { recursive: true, force: true });
  }
  const clone = join(root, 'shallow');
  await assert.rejects(changedMigrations({ projectDir: clone, baseRef: 'no-such-branch' }), (e) => e instanceof UserError && /no-such-branch/.test(e.message));
});
