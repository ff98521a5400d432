// End to end through the built dist/index.js, as GitHub runs it: INPUT_* variables, a pull_request event, a
// depth-1 clone of a real PR branch, a real database, and a local server speaking GitHub's REST API to real Octokit.
// PREFLIGHT_ACTION_ENTRY=src runs src/action/index.ts through tsx instead (before a build), or names another bundle.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import pg from 'pg';
import { provisionPostgresLocal } from '../../src/database/postgres-local.ts';
import { DRIFT_LABEL } from '../../src/github/drift-issue.ts';
import { commentMarker } from '../../src/report/markdown-escape.ts';
import { parseReport } from '../../src/report/json.ts';
import { FakeGitHub } from '../support/fake-github.ts';
import { fixture, repoRoot, venvPython } from '../support/env.ts';
import { EDITED_REVISION_FILE, PullRequestRepo, pullRequestEvent, runAction, type ActionRun } from './action-harness.ts';

const override = process.env.PREFLIGHT_ACTION_ENTRY;
const entry = override === 'src' ? join(repoRoot, 'src/action/index.ts') : override || join(repoRoot, 'dist/index.js');
const database = process.env.PREFLIGHT_E2E_DATABASE ?? 'postgres-local';
const PR = 7;
const marker = commentMarker('backend');

let repo: PullRequestRepo;
let gh: FakeGitHub;
before(async () => {
  repo = new PullRequestRepo();
  gh = await new FakeGitHub({ maxPageSize: 3 }).start();
});
after(async () => {
  await gh.stop();
  repo.dispose();
});

function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return { 'working-directory': 'backend', python: venvPython(), database, ...extra };
}

function sarifValidator() {
  const schema = JSON.parse(readFileSync(join(repoRoot, 'test/report/sarif-schema-2.1.0.json'), 'utf8')) as object;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  ajv.addFormat('uri-reference', (s: string) => URL.canParse(s, 'https://example.invalid/base/') && !/\s/.test(s));
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  return ajv.compile(schema);
}

function explain(run: ActionRun): string {
  return `exit ${run.code}\n--- stdout (tail)\n${run.stdout.slice(-4000)}\n--- stderr\n${run.stderr.slice(-2000)}`;
}

test('PR check: comment created, then updated in place; summary, annotations, outputs and SARIF; 403 degrades', async (t) => {
  if (!existsSync(entry)) {
    t.skip(`${entry} is not built: run \`npm run build\` first (or PREFLIGHT_ACTION_ENTRY=src)`);
    return;
  }
  repo.openPullRequest();
  gh.addPullRequest(PR, repo.sha('feature'));
  gh.addComment(PR, 'LGTM once the check passes', { login: 'reviewer', type: 'User' });

  // Run 1: the PR adds a migration and edits an applied one → failed, one comment.
  const first = await runAction(entry, { workspace: repo.checkout(), apiUrl: gh.url, event: pullRequestEvent(repo, PR), inputs: inputs() });
  t.diagnostic(`action run 1 (PR mode, ${database}, start to comment posted): ${first.ms} ms`);
  assert.equal(first.code, 1, explain(first));
  assert.equal(first.outputs.status, 'failed', explain(first));
  assert.equal(first.outputs.errors, '1');
  const ours = () => gh.commentsOn(PR).filter((c) => c.body.startsWith(marker));
  assert.equal(ours().length, 1);
  const firstBody = ours()[0]!.body;
  assert.match(firstBody, /pr\/modified-migration/);
  assert.match(firstBody, /e1a2b3c4d5e6/);
  assert.match(firstBody, /ALTER TABLE users ADD COLUMN nickname VARCHAR\(50\)/);
  assert.equal(firstBody.split('<!-- alembic-preflight:').length - 1, 1, 'the docstring cannot forge a second marker');
  assert.equal(first.outputs['comment-url'], `https://github.example/acme/shop/issues/${PR}#issuecomment-${ours()[0]!.id}`);
  // The annotation points at the edited migration, repo-relative.
  assert.ok(first.commands.some((c) => c.startsWith(`::error title=alembic-preflight%3A pr/modified-migration,file=backend/${EDITED_REVISION_FILE},line=1::`)),
    first.commands.join('\n'));
  assert.match(first.summary, /Alembic preflight <code>backend<\/code>: failed/);
  assert.match(first.summary, /\*\*Upgrade SQL\*\*/);
  assert.ok(!first.summary.includes(marker), 'the job summary carries no marker');
  // Outputs point at real files: the JSON report reads back, the SARIF validates against SARIF 2.1.0.
  const report = parseReport(JSON.stringify(first.report), 'report.json');
  assert.deepEqual(report.newRevisions, ['e1a2b3c4d5e6']);
  const validate = sarifValidator();
  assert.ok(validate(first.sarif), JSON.stringify(validate.errors?.slice(0, 3)));
  const results = (first.sarif as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] }).runs[0]!.results;
  const located = results.map((r) => [r.ruleId, r.locations[0]!.physicalLocation.artifactLocation.uri]);
  assert.deepEqual(located[0], ['pr/modified-migration', `backend/${EDITED_REVISION_FILE}`]);
  assert.ok(located.every(([, uri]) => uri!.startsWith('backend/migrations/versions/')), JSON.stringify(located));

  // Run 2: the edit is reverted → passed, the same comment updated, no second one.
  // The conversation goes on: our comment is now on the first page of several.
  for (let i = 0; i < 4; i++) gh.addComment(PR, `review remark ${i}`, { login: 'reviewer', type: 'User' });
  repo.fixPullRequest();
  gh.issues.find((i) => i.number === PR)!.headSha = repo.sha('feature');
  const second = await runAction(entry, { workspace: repo.checkout(), apiUrl: gh.url, event: pullRequestEvent(repo, PR), inputs: inputs() });
  t.diagnostic(`action run 2: ${second.ms} ms`);
  assert.equal(second.code, 0, explain(second));
  assert.equal(second.outputs.status, 'passed');
  assert.equal(ours().length, 1, 'updated, not duplicated');
  assert.notEqual(ours()[0]!.body, firstBody);
  assert.match(ours()[0]!.body, /: passed/);
  assert.equal(gh.commentsOn(PR).length, 6, 'the reviewer’s comments are untouched');
  const commentWrites = gh.writes().filter((r) => r.path.includes('/comments'));
  assert.deepEqual(commentWrites.map((r) => r.method), ['POST', 'PATCH']);
  assert.ok(gh.requests.some((r) => r.query.page === '2'), 'comments were read page by page');

  // Run 3: a fork PR whose token cannot comment (403) → notice; summary, outputs and result unchanged.
  gh.forbid.createComment = true;
  gh.addPullRequest(8, repo.sha('feature'));
  const fork = await runAction(entry, { workspace: repo.checkout(), apiUrl: gh.url, event: pullRequestEvent(repo, 8, true), inputs: inputs() });
  assert.equal(fork.code, 0, explain(fork));
  assert.equal(fork.outputs.status, 'passed');
  assert.equal(gh.commentsOn(8).length, 0);
  assert.ok(fork.commands.some((c) => c.startsWith('::notice') && c.includes('HTTP 403')), fork.commands.join('\n'));
  assert.match(fork.summary, /Alembic preflight <code>backend<\/code>: passed/);
  assert.equal(fork.outputs['comment-url'], undefined);
});

test('publish mode (workflow_run): posts a saved report on the PR it was made for, and only on that one', async (t) => {
  if (!existsSync(entry)) {
    t.skip(`${entry} is not built: run \`npm run build\` first (or PREFLIGHT_ACTION_ENTRY=src)`);
    return;
  }
  const workspace = repo.checkout();
  const saved = join(workspace, 'report.json');
  const { writeFileSync } = await import('node:fs');
  const { hostileReport } = await import('../report/sample-reports.ts');
  writeFileSync(saved, JSON.stringify(hostileReport()));
  gh.forbid.createComment = false;
  gh.addPullRequest(9, 'a'.repeat(40));
  const event = { workflow_run: { head_sha: 'b'.repeat(40), event: 'pull_request' } };
  const stale = await runAction(entry, { workspace, apiUrl: gh.url, event, eventName: 'workflow_run', inputs: { mode: 'publish', 'report-file': 'report.json', 'pr-number': '9' } });
  assert.equal(stale.code, 0, explain(stale));
  assert.equal(gh.commentsOn(9).length, 0, 'not posted on a PR whose head is another commit');
  assert.ok(stale.commands.some((c) => c.startsWith('::notice') && c.includes('Not posting')));

  const fresh = await runAction(entry, { workspace, apiUrl: gh.url, event: { workflow_run: { head_sha: 'a'.repeat(40) } }, eventName: 'workflow_run',
    inputs: { mode: 'publish', 'report-file': 'report.json', 'pr-number': '9' } });
  assert.equal(fresh.code, 0, explain(fresh));
  const posted = gh.commentsOn(9);
  assert.equal(posted.length, 1);
  assert.ok(posted[0]!.body.startsWith(commentMarker('backend')));
  assert.equal(posted[0]!.body.split('<!-- alembic-preflight:').length - 1, 1);
});

test('drift mode (nightly): one issue, opened on drift, updated while it lasts, closed when it is gone; URL masked', async (t) => {
  if (!existsSync(entry)) {
    t.skip(`${entry} is not built: run \`npm run build\` first (or PREFLIGHT_ACTION_ENTRY=src)`);
    return;
  }
  const live = await provisionPostgresLocal({ tcp: true });
  try {
    execFileSync(join(repoRoot, '.venv', 'bin', 'alembic'), ['upgrade', 'head'], {
      cwd: fixture('healthy'),
      env: { ...process.env, DATABASE_URL: live.url.replace('postgresql://', 'postgresql+psycopg2://') },
      stdio: 'pipe',
    });
    const sql = async (text: string) => {
      const c = new pg.Client({ connectionString: live.url });
      await c.connect();
      try {
        await c.query(text);
      } finally {
        await c.end();
      }
    };
    const workspace = repo.checkout('main');
    const nightly = () => runAction(entry, {
      workspace, apiUrl: gh.url, eventName: 'schedule', event: { schedule: '17 3 * * *' },
      inputs: inputs({ mode: 'drift', 'database-url': live.url }),
    });
    const driftIssues = () => gh.issues.filter((i) => i.labels.includes(DRIFT_LABEL));
    const password = new URL(live.url).password;

    const clean = await nightly();
    assert.equal(clean.code, 0, explain(clean));
    assert.equal(driftIssues().length, 0, 'no drift, no issue');
    if (password) {
      assert.ok(clean.commands.includes(`::add-mask::${password}`), 'the password is registered as a secret');
      assert.ok(!clean.stdout.replaceAll(`::add-mask::${password}`, '').includes(password), 'and never printed');
    }

    await sql('ALTER TABLE users ADD COLUMN added_by_hand integer');
    const drifted = await nightly();
    assert.equal(drifted.code, 1, explain(drifted));
    assert.equal(driftIssues().length, 1);
    const issue = driftIssues()[0]!;
    assert.equal(issue.state, 'open');
    assert.ok(issue.body.startsWith(commentMarker('backend', 'alembic-preflight-drift')));
    assert.match(issue.body, /live-drift\/column-added<\/code>\]\([^)]*\) column public\.users\.added\\_by\\_hand/);
    if (password) assert.ok(!issue.body.includes(password));
    assert.equal(drifted.outputs['drift-issue-url'], `https://github.example/acme/shop/issues/${issue.number}`);

    const again = await nightly();
    assert.equal(again.code, 1);
    assert.equal(driftIssues().length, 1, 'updated, never a second issue');

    await sql('ALTER TABLE users DROP COLUMN added_by_hand');
    const fixed = await nightly();
    assert.equal(fixed.code, 0, explain(fixed));
    assert.equal(issue.state, 'closed');
    assert.equal(gh.commentsOn(issue.number).length, 1);
    assert.match(gh.commentsOn(issue.number)[0]!.body, /No drift any more/);
  } finally {
    await live.dispose();
  }
});
