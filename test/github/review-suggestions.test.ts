// The suggestions review against a local GitHub REST server through the real Octokit: created on a push, left alone
// on a re-run of the same commit, replaced (its comments deleted, its body saying so) on the next push.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { createClient, type GitHubClient } from '../../src/github/client.ts';
import { syncSuggestionReview } from '../../src/github/review-suggestions.ts';
import { commentMarker } from '../../src/report/markdown-escape.ts';
import { FakeGitHub } from '../support/fake-github.ts';

let gh: FakeGitHub;
let client: GitHubClient;
const PR = 3;
const marker = commentMarker('backend', 'alembic-preflight-suggestions');
const target = () => ({ owner: gh.owner, repo: gh.repo, pullNumber: PR });
const comment = { path: 'backend/v/a.py', startLine: 4, line: 5, body: '```suggestion\nx\n```' };

before(async () => {
  gh = await new FakeGitHub({ maxPageSize: 2 }).start();
  client = createClient('test-token', gh.url);
});
after(() => gh.stop());
beforeEach(() => {
  gh.issues = [];
  gh.reviews = [];
  gh.requests.length = 0;
  gh.diffLines.clear();
  gh.addPullRequest(PR);
});

test('one review per push: created, unchanged on a re-run, replaced on the next push', async () => {
  const first = await syncSuggestionReview(client, target(), { marker, headSha: 'a'.repeat(40), body: `${marker}\none`, comments: [comment] });
  assert.equal(first.action, 'created');
  const [review] = gh.reviewsOn(PR);
  assert.equal(review!.event, 'COMMENT');
  assert.equal(review!.commitId, 'a'.repeat(40));
  assert.deepEqual(review!.comments.map((c) => [c.path, c.startLine, c.line, c.side]), [['backend/v/a.py', 4, 5, 'RIGHT']]);

  const rerun = await syncSuggestionReview(client, target(), { marker, headSha: 'a'.repeat(40), body: `${marker}\none`, comments: [comment] });
  assert.equal(rerun.action, 'unchanged');
  assert.equal(gh.reviewsOn(PR).length, 1);

  const next = await syncSuggestionReview(client, target(), { marker, headSha: 'b'.repeat(40), body: `${marker}\ntwo`, comments: [comment, { ...comment, startLine: undefined, line: 9 }] });
  assert.deepEqual(next.action === 'created' && next.replaced, 1);
  const [old, fresh] = gh.reviewsOn(PR);
  assert.deepEqual(old!.comments, [], 'the old suggestions are gone');
  assert.match(old!.body, /Replaced by the suggestions for commit bbbbbbb/);
  assert.equal(fresh!.comments.length, 2);

  // Nothing left to suggest: the last review is cleared too, and no empty review is posted.
  const clean = await syncSuggestionReview(client, target(), { marker, headSha: 'c'.repeat(40), body: `${marker}\nnone`, comments: [] });
  assert.deepEqual(clean, { action: 'cleared', replaced: 1 });
  assert.equal(gh.reviewsOn(PR).length, 2);
  assert.ok(gh.reviewsOn(PR).every((r) => r.comments.length === 0));
});

test('a line outside the diff (422) and a read-only token (403) are outcomes, not exceptions', async () => {
  gh.diffLines.set(PR, new Map([['backend/v/a.py', new Set([1, 2])]]));
  const rejected = await syncSuggestionReview(client, target(), { marker, headSha: 'a'.repeat(40), body: `${marker}\none`, comments: [comment] });
  assert.equal(rejected.action, 'rejected');
  gh.forbid.reviews = true;
  gh.diffLines.clear();
  const forbidden = await syncSuggestionReview(client, target(), { marker, headSha: 'a'.repeat(40), body: `${marker}\none`, comments: [comment] });
  assert.equal(forbidden.action, 'forbidden');
  gh.forbid.reviews = false;
});
