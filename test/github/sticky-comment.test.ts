// The sticky comment against a local GitHub REST server, through the real Octokit: created once, updated in
// place, found across pages, duplicates removed, and a 403 (fork PR) reported instead of thrown.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { createClient, type GitHubClient } from '../../src/github/client.ts';
import { upsertStickyComment } from '../../src/github/sticky-comment.ts';
import { commentMarker } from '../../src/report/markdown-escape.ts';
import { FakeGitHub } from '../support/fake-github.ts';

let gh: FakeGitHub;
let client: GitHubClient;
const PR = 7;

before(async () => {
  gh = await new FakeGitHub({ maxPageSize: 2 }).start();
  client = createClient('test-token', gh.url);
});
after(() => gh.stop());
beforeEach(() => {
  gh.comments = [];
  gh.issues = [];
  gh.requests.length = 0;
  gh.forbid = { createComment: false, updateComment: false, issues: false, reviews: false };
  gh.failAll = null;
  gh.addPullRequest(PR);
});

const target = () => ({ owner: gh.owner, repo: gh.repo, issueNumber: PR });

test('creates the comment once, then updates it in place, then leaves it alone when nothing changed', async () => {
  const marker = commentMarker('backend');
  const first = await upsertStickyComment(client, target(), marker, `${marker}\nfirst`);
  assert.equal(first.action, 'created');
  const second = await upsertStickyComment(client, target(), marker, `${marker}\nsecond`);
  assert.equal(second.action, 'updated');
  assert.equal(second.action === 'updated' && first.action === 'created' && second.id, first.action === 'created' && first.id);
  const third = await upsertStickyComment(client, target(), marker, `${marker}\nsecond`);
  assert.equal(third.action, 'unchanged');
  assert.equal(gh.commentsOn(PR).length, 1);
  assert.equal(gh.commentsOn(PR)[0]!.body, `${marker}\nsecond`);
  assert.deepEqual(gh.writes().map((r) => r.method), ['POST', 'PATCH']);
  assert.equal(gh.requests[0]!.authorization, 'token test-token');
});

test('finds its comment on a later page and keeps each project of a monorepo to its own comment', async () => {
  for (let i = 0; i < 5; i++) gh.addComment(PR, `a person says ${i}`, { login: 'dev', type: 'User' });
  const api = commentMarker('services/api');
  const web = commentMarker('services/web');
  await upsertStickyComment(client, target(), api, `${api}\napi v1`);
  await upsertStickyComment(client, target(), web, `${web}\nweb v1`);
  for (let i = 5; i < 8; i++) gh.addComment(PR, `a person says ${i}`, { login: 'dev', type: 'User' });
  const again = await upsertStickyComment(client, target(), api, `${api}\napi v2`);
  assert.equal(again.action, 'updated');
  const bodies = gh.commentsOn(PR).map((c) => c.body);
  assert.equal(bodies.filter((b) => b.startsWith(api)).length, 1);
  assert.equal(bodies.filter((b) => b.startsWith(web)).length, 1);
  assert.ok(bodies.includes(`${api}\napi v2`));
  const pages = gh.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/issues/${PR}/comments`)).map((r) => r.query.page ?? '1');
  assert.ok(pages.includes('5'), `expected the client to page through 10 comments 2 at a time, saw pages ${pages.join(',')}`);
});

test('a comment that merely quotes the marker is not ours; bot duplicates from racing runs are removed', async () => {
  const marker = commentMarker('.');
  gh.addComment(PR, `> quoting ${marker}`, { login: 'dev', type: 'User' });
  gh.addComment(PR, `${marker}\nold 1`);
  gh.addComment(PR, `${marker}\nold 2`);
  const outcome = await upsertStickyComment(client, target(), marker, `${marker}\nnew`);
  assert.equal(outcome.action, 'updated');
  assert.equal(outcome.action === 'updated' && outcome.removedDuplicates, 1);
  assert.deepEqual(gh.commentsOn(PR).map((c) => c.body), [`> quoting ${marker}`, `${marker}\nnew`]);
});

test('a 403 on creating the comment (fork PR token) is an outcome, not an exception', async () => {
  gh.forbid.createComment = true;
  const marker = commentMarker('.');
  const outcome = await upsertStickyComment(client, target(), marker, `${marker}\nbody`);
  assert.equal(outcome.action, 'forbidden');
  assert.equal(outcome.action === 'forbidden' && outcome.status, 403);
  assert.equal(gh.commentsOn(PR).length, 0);
});

test('errors other than 403/404 are thrown', async () => {
  gh.failAll = 500;
  const marker = commentMarker('.');
  try {
    await assert.rejects(upsertStickyComment(client, target(), marker, `${marker}\nx`), (e: Error & { status?: number }) => e.status === 500);
  } finally {
    gh.failAll = null;
  }
});

test("a person's comment that starts with the marker is never taken over; a personal token's own comment is", async () => {
  const marker = commentMarker('backend');
  gh.addComment(PR, `${marker}\nplease do not overwrite me`, { login: 'mallory', type: 'User' });
  const first = await upsertStickyComment(client, target(), marker, `${marker}\nreport`);
  assert.equal(first.action, 'created');
  assert.ok(gh.commentsOn(PR).some((c) => c.body === `${marker}\nplease do not overwrite me`), 'the person keeps their comment');
  gh.comments = [];
  gh.tokenUser = { login: 'ci-user', type: 'User' };
  try {
    const created = await upsertStickyComment(client, target(), marker, `${marker}\nv1`);
    assert.equal(created.action, 'created');
    const updated = await upsertStickyComment(client, target(), marker, `${marker}\nv2`);
    assert.equal(updated.action, 'updated', 'with a personal token, its own earlier comment is found again');
    assert.equal(gh.commentsOn(PR).length, 1);
  } finally {
    gh.tokenUser = null;
  }
});
