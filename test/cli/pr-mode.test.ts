// PR mode from the CLI (`check --base main`) on a real git repository: what a developer runs on a laptop is what
// the PR check runs. New revisions are found, an edited migration is an error, and the schema diff is the PR's.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { check, runCli } from '../support/cli.ts';
import { fixture, venvPython } from '../support/env.ts';

const repo = mkdtempSync(join(tmpdir(), 'preflight-pr-'));
const project = join(repo, 'backend');
const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });

const NEW_REVISION = `"""add nickname to users

Revision ID: 0a1b2c3d4e5f
Revises: ce5aaaef5033
"""
from alembic import op
import sqlalchemy as sa

revision = "0a1b2c3d4e5f"
down_revision = "ce5aaaef5033"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("nickname", sa.Text(), nullable=True))


def downgrade():
    op.drop_column("users", "nickname")
`;

before(() => {
  cpSync(fixture('healthy'), project, { recursive: true });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  git('checkout', '-q', '-b', 'feature');
  writeFileSync(join(project, 'migrations', 'versions', '0a1b2c3d4e5f_add_nickname_to_users.py'), NEW_REVISION);
  appendFileSync(join(project, 'app', 'models', 'user.py'), '\nUser.nickname = sa.Column(sa.Text, nullable=True)\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'feature');
});
after(() => rmSync(repo, { recursive: true, force: true }));

test('check --base main: PR mode with the new revision, its stairway only, and the schema diff of the branch', async () => {
  const run = await runCli(['check', project, '--base', 'main', '--database', 'sqlite', '--python', venvPython(), '--format', 'json']);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const r = run.report!;
  assert.equal(r.mode, 'pr');
  assert.deepEqual(r.newRevisions, ['0a1b2c3d4e5f']);
  assert.equal(check(r, 'pr-migrations').status, 'passed');
  assert.match(check(r, 'stairway').reason ?? '', /1 revision checked \(scope: new revisions\)/);
  assert.deepEqual(r.schemaDiff.map((c) => `${c.change} ${c.kind} ${c.key}`), ['added column main.users.nickname']);
  assert.ok(r.migrations.find((m) => m.revision === '0a1b2c3d4e5f')?.upgradeSql?.includes('nickname'));
});

test('check --base main: editing a migration that exists on main is an error naming the file', async () => {
  const edited = join(project, 'migrations', 'versions', 'd9d4afc61f58_add_bio_to_users.py');
  appendFileSync(edited, '\n# edited after it was applied\n');
  git('commit', '-q', '-am', 'edit an applied migration');
  const run = await runCli(['check', project, '--base', 'main', '--database', 'sqlite', '--python', venvPython(), '--format', 'json']);
  assert.equal(run.code, 1, run.stderr);
  const f = check(run.report!, 'pr-migrations').findings[0];
  assert.equal(f?.code, 'pr/modified-migration');
  assert.equal(f?.file, 'migrations/versions/d9d4afc61f58_add_bio_to_users.py');
});

test('check --base outside a git repository is a clear input error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-nogit-'));
  try {
    cpSync(fixture('healthy'), dir, { recursive: true });
    const run = await runCli(['check', dir, '--base', 'main', '--database', 'sqlite', '--python', venvPython()]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /not in one|git/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
