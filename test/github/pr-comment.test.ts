// The `comment` input against a local GitHub REST server through the real Octokit: `changes` comments only when the
// PR changes a migration and reduces an earlier comment to one line when it no longer does; `always`; `never`.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { createClient, type GitHubClient } from '../../src/github/client.ts';
import { changesMigrations, publishComment } from '../../src/github/pr-comment.ts';
import { commentMarker } from '../../src/report/markdown-escape.ts';
import type { Report } from '../../src/report/model.ts';
import { FakeGitHub } from '../support/fake-github.ts';
import { prReport } from '../report/sample-reports.ts';

let gh: FakeGitHub;
let client: GitHubClient;
const PR = 5;
const marker = commentMarker('backend');

before(async () => {
  gh = await new FakeGitHub().start();
  client = createClient('test-token', gh.url);
});
after(() => gh.stop());
beforeEach(() => {
  gh.comments = [];
  gh.issues = [];
  gh.requests.length = 0;
  gh.addPullRequest(PR);
});

function noMigrations(): Report {
  const report = prReport();
  report.newRevisions = [];
  return report;
}

const target = () => ({ owner: gh.owner, repo: gh.repo, issueNumber: PR });
const post = (mode: 'changes' | 'always' | 'never', report: Report, body = `${marker}\nfull report`) =>
  publishComment(client, target(), { mode, report, marker, projectKey: 'backend', body });

test('a PR that changes migrations is commented; one that changes none is not, and an earlier comment becomes one line', async () => {
  assert.equal(changesMigrations(prReport()), true);
  assert.equal(changesMigrations(noMigrations()), false);
  const edited = noMigrations();
  edited.checks.push({ id: 'pr-migrations', status: 'failed', durationMs: 0, findings: [{ code: 'pr/modified-migration', severity: 'error', message: 'm' }] });
  assert.equal(changesMigrations(edited), true, 'editing an existing migration is a change');

  assert.deepEqual(await post('changes', noMigrations()), { action: 'skipped', why: 'this pull request changes no migration' });
  assert.equal(gh.requests.filter((r) => r.method !== 'GET').length, 0, 'no comment at all');

  assert.equal((await post('changes', prReport())).action, 'created');
  const reduced = await post('changes', noMigrations());
  assert.equal(reduced.action, 'updated');
  const body = gh.commentsOn(PR)[0]!.body;
  assert.equal(body.split('\n').filter(Boolean).length, 2, 'the marker and one line');
  assert.match(body, /this pull request changes no migration/);
  assert.equal((await post('changes', noMigrations())).action, 'unchanged', 'not edited again');
  assert.deepEqual(gh.writes().map((r) => r.method), ['POST', 'PATCH']);
});

test('always comments even without migrations; never does not touch anything', async () => {
  assert.equal((await post('never', prReport())).action, 'skipped');
  assert.equal(gh.writes().length, 0);
  assert.equal((await post('always', noMigrations())).action, 'created');
  assert.equal(gh.commentsOn(PR)[0]!.body, `${marker}\nfull report`);
});
