// The nightly drift issue through the real Octokit against a local GitHub REST server: opened on drift, updated
// (not duplicated) while it lasts, closed with a comment when it is gone, and a read-only token reported.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClient, type GitHubClient } from '../../src/github/client.ts';
import { DRIFT_LABEL, syncDriftIssue } from '../../src/github/drift-issue.ts';
import { commentMarker } from '../../src/report/markdown-escape.ts';
import { FakeGitHub } from '../support/fake-github.ts';

let gh: FakeGitHub;
let client: GitHubClient;
before(async () => {
  gh = await new FakeGitHub({ maxPageSize: 1 }).start();
  client = createClient('t', gh.url);
});
after(() => gh.stop());

const marker = commentMarker('backend', 'alembic-preflight-drift');
const request = (drift: boolean, text: string) => ({
  marker, title: 'Schema drift in backend', body: `${marker}\n${text}`, drift, closingNote: 'No drift any more (run 42).',
});
const repo = () => ({ owner: gh.owner, repo: gh.repo });

test('drift issue lifecycle: none → opened → updated → unchanged → closed → opened again', async () => {
  // Unrelated open issues with our label, and an issue of another project, are left alone.
  gh.issues.push({ number: 1, title: 'other', body: 'no marker', state: 'open', labels: [DRIFT_LABEL], isPullRequest: false });
  const otherMarker = commentMarker('frontend', 'alembic-preflight-drift');
  gh.issues.push({ number: 2, title: 'frontend drift', body: `${otherMarker}\nx`, state: 'open', labels: [DRIFT_LABEL], isPullRequest: false });

  assert.deepEqual(await syncDriftIssue(client, repo(), request(false, 'clean')), { action: 'none' });

  const opened = await syncDriftIssue(client, repo(), request(true, 'users.nickname missing'));
  assert.equal(opened.action, 'opened');
  const number = opened.action === 'opened' ? opened.number : -1;
  const issue = gh.issues.find((i) => i.number === number)!;
  assert.deepEqual(issue.labels, [DRIFT_LABEL]);

  const updated = await syncDriftIssue(client, repo(), request(true, 'users.nickname and users.age missing'));
  assert.deepEqual(updated.action === 'updated' && updated.number, number);
  assert.equal(issue.body, `${marker}\nusers.nickname and users.age missing`);
  assert.equal((await syncDriftIssue(client, repo(), request(true, 'users.nickname and users.age missing'))).action, 'unchanged');
  assert.equal(gh.issues.filter((i) => i.body.startsWith(marker)).length, 1, 'never a second issue');

  const closed = await syncDriftIssue(client, repo(), request(false, 'clean'));
  assert.equal(closed.action, 'closed');
  assert.equal(issue.state, 'closed');
  assert.equal(issue.stateReason, 'completed');
  assert.deepEqual(gh.commentsOn(number).map((c) => c.body), ['No drift any more (run 42).']);
  assert.equal(gh.issues.find((i) => i.number === 2)!.state, 'open', 'the other project’s issue stays open');

  const reopened = await syncDriftIssue(client, repo(), request(true, 'drift is back'));
  assert.equal(reopened.action, 'opened');
  assert.notEqual(reopened.action === 'opened' && reopened.number, number);
});

test('a token that cannot write issues gives a forbidden outcome', async () => {
  gh.forbid.issues = true;
  try {
    const outcome = await syncDriftIssue(client, repo(), request(true, 'something'));
    assert.equal(outcome.action, 'forbidden');
  } finally {
    gh.forbid.issues = false;
  }
});
