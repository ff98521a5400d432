// The PR comment and the suggestions review end to end: the Action (src/action/index.ts through tsx, or the bundle
// named by PREFLIGHT_ACTION_ENTRY) on a depth-1 clone of a real PR branch that adds the lint-hazards migrations,
// real PostgreSQL, and a local server speaking GitHub's REST API to real Octokit. The rendered comment of that PR
// is kept in test/report/golden/lint-hazards-comment.md.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { commentMarker } from '../../src/report/markdown-escape.ts';
import type { Report } from '../../src/report/model.ts';
import { repoRoot, venvPython } from '../support/env.ts';
import { FakeGitHub } from '../support/fake-github.ts';
import { HAZARDS } from '../support/lint-hazards-expected.ts';
import { assertGolden } from '../report/golden-file.ts';
import { runAction, type ActionRun } from './action-harness.ts';

const override = process.env.PREFLIGHT_ACTION_ENTRY;
const entry = override && override !== 'src' ? override : join(repoRoot, 'src/action/index.ts');
const VERSIONS = 'backend/migrations/versions';
const DOCS = 'https://github.com/alembic-preflight/alembic-preflight/blob/v0.1.0/docs';
const marker = commentMarker('backend');
const suggestionsMarker = commentMarker('backend', 'alembic-preflight-suggestions');

// Fixed identity and dates: the same commits (and SHAs) on every run.
const gitEnv = {
  ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'dev', GIT_AUTHOR_EMAIL: 'dev@example.com',
  GIT_COMMITTER_NAME: 'dev', GIT_COMMITTER_EMAIL: 'dev@example.com',
  GIT_AUTHOR_DATE: '2026-01-02T03:04:05Z', GIT_COMMITTER_DATE: '2026-01-02T03:04:05Z',
};
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: gitEnv, encoding: 'utf8' }).trim();

/** main: the lint-hazards project with its first two revisions; `hazards`: the PR adding the other seventeen. */
class HazardsRepo {
  readonly root = mkdtempSync(join(tmpdir(), 'preflight-comment-'));
  readonly origin = join(this.root, 'origin');
  private clones = 0;

  constructor() {
    mkdirSync(this.origin);
    git(this.origin, 'init', '-q', '-b', 'main');
    const backend = join(this.origin, 'backend');
    cpSync(HAZARDS, backend, { recursive: true, filter: (src) => !/__pycache__|\.venv/.test(src) });
    const versions = join(backend, 'migrations/versions');
    const all = readdirSync(versions).filter((f) => f.endsWith('.py')).sort();
    const later = all.slice(2).map((f) => [f, join(this.root, f)] as const);
    for (const [f, keep] of later) cpSync(join(versions, f), keep);
    for (const [f] of later) rmSync(join(versions, f));
    git(this.origin, 'add', '-A');
    git(this.origin, 'commit', '-qm', 'core tables and seed rows');
    git(this.origin, 'checkout', '-qb', 'hazards');
    for (const [f, keep] of later) cpSync(keep, join(versions, f));
    git(this.origin, 'add', '-A');
    git(this.origin, 'commit', '-qm', 'seventeen migrations');
    git(this.origin, 'checkout', '-qb', 'docs', 'main');
    writeFileSync(join(this.origin, 'README.md'), 'docs only\n');
    git(this.origin, 'add', '-A');
    git(this.origin, 'commit', '-qm', 'docs only');
    git(this.origin, 'checkout', '-q', 'main');
  }

  /** A second push to the PR: the index is built concurrently now. */
  pushIndexFix(): void {
    git(this.origin, 'checkout', '-q', 'hazards');
    const file = join(this.origin, VERSIONS, readdirSync(join(this.origin, VERSIONS)).find((f) => f.includes('dda671218a25'))!);
    const text = execFileSync('cat', [file], { encoding: 'utf8' });
    writeFileSync(file, text.replace(
      "    op.create_index('ix_users_email', 'users', ['email'], unique=False)\n",
      "    with op.get_context().autocommit_block():\n        op.create_index('ix_users_email', 'users', ['email'], unique=False, postgresql_concurrently=True)\n",
    ));
    git(this.origin, 'commit', '-qam', 'index concurrently');
    git(this.origin, 'checkout', '-q', 'main');
  }

  sha(ref: string): string {
    return git(this.origin, 'rev-parse', ref);
  }

  checkout(branch: string): string {
    const dir = join(this.root, `workspace-${++this.clones}`);
    git(this.root, 'clone', '-q', '--depth', '1', '--branch', branch, `file://${this.origin}`, dir);
    return dir;
  }

  event(number: number, branch: string): unknown {
    return { action: 'synchronize', number, pull_request: { number, base: { ref: 'main', sha: this.sha('main') }, head: { ref: branch, sha: this.sha(branch), repo: { fork: false, full_name: 'acme/shop' } } } };
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

let repo: HazardsRepo;
let gh: FakeGitHub;
before(async () => {
  repo = new HazardsRepo();
  gh = await new FakeGitHub().start();
});
after(async () => {
  await gh.stop();
  repo.dispose();
});

const explain = (run: ActionRun) => `exit ${run.code}\n--- stdout (tail)\n${run.stdout.slice(-4000)}\n--- stderr\n${run.stderr.slice(-2000)}`;

const actAll = act;
function act(number: number, branch: string, extra: Record<string, string> = {}): Promise<ActionRun> {
  return runAction(entry, {
    workspace: repo.checkout(branch), apiUrl: gh.url, event: repo.event(number, branch),
    inputs: { 'working-directory': 'backend', python: venvPython(), database: 'postgres-local', suggestions: 'true', ...extra },
  });
}

test('lint-hazards PR: action list with links, error revision open, no bookkeeping SQL, suggestions; re-run posts nothing; next push replaces', async () => {
  // Without the data check: its two findings on these revisions (NOT NULL set on rows holding NULL) would take this
  // comment, right at GitHub's size limit, to its compact form; test/cli/data-check.test.ts covers the data check.
  const act = (number: number, branch: string) => actAll(number, branch, { checks: 'graph,upgrade,roundtrip,stairway,drift,models-registered,lint' });
  const PR = 21;
  gh.addPullRequest(PR, repo.sha('hazards'));
  const head = repo.sha('hazards');
  const first = await act(PR, 'hazards');
  assert.equal(first.code, 1, explain(first));
  const ours = () => gh.commentsOn(PR).filter((c) => c.body.startsWith(marker));
  assert.equal(ours().length, 1, explain(first));
  const body = ours()[0]!.body;
  const report = first.report as Report;

  // The action list comes first: one line per error and warning, rule page and file:line at the head commit linked.
  const action = body.slice(body.indexOf('#### Action needed'), body.indexOf('| Check |'));
  assert.ok(body.indexOf('#### Action needed') > 0 && body.indexOf('#### Action needed') < body.indexOf('| Check |'));
  const items = action.split('\n').filter((l) => l.startsWith('- '));
  const loud = report.checks.flatMap((c) => c.findings).filter((f) => f.severity !== 'notice');
  assert.equal(items.length, loud.length, action);
  const index = items.find((l) => l.includes('create-index-not-concurrently'))!;
  assert.ok(index.startsWith(`- ⚠️ **warning** [<code>create-index-not-concurrently</code>](${DOCS}/rules/create-index-not-concurrently.md)`), index);
  assert.ok(index.includes(`(https://github.example/acme/shop/blob/${head}/${VERSIONS}/2025_01_15_1126-dda671218a25_index_users_by_email.py#L24)`), index);
  // The revision with an error is open; the others are one collapsed line each.
  const summaries = body.split('\n').filter((l) => l.startsWith('<details'));
  assert.equal(summaries.length, 17);
  const errorRevisions = new Set(report.checks.flatMap((c) => c.findings).filter((f) => f.severity === 'error' && f.revision).map((f) => f.revision));
  assert.ok(errorRevisions.has('b85b7b3529fe'), 'add-required-column is an error');
  for (const line of summaries) {
    const rev = /<code>(\w+)<\/code>/.exec(line)![1]!;
    assert.equal(line.startsWith('<details open>'), errorRevisions.has(rev), line);
  }
  // SQL without Alembic's bookkeeping; the schema diff says type, nullability and default.
  assert.doesNotMatch(body, /alembic_version/);
  assert.match(body, /CREATE INDEX ix_users_email ON users \(email\);/);
  assert.match(body, /\| ➕ added \| column \| <code>public.users.last\\_login\\_at<\/code> \| <code>timestamp without time zone<\/code> · NULL · no default \|/);
  // Hints from the finding's own objects, the long lock_timeout hint once.
  assert.match(body, /op\.drop_column\(&quot;orders&quot;, &quot;note&quot;\)|op\.drop_column\("orders", "note"\)/);
  assert.equal(body.split('op.execute("SET LOCAL lock_timeout = \'3s\'")  # lasts until').length - 1, 1, 'the long hint once');
  assert.match(body, /… and \d+ more like this\./);
  // Footer: commit, run, version; no timings.
  assert.match(body.trimEnd().split('\n').at(-1)!, new RegExp(`^<sub>commit \\[<code>${head.slice(0, 7)}</code>\\]\\(https://github.example/acme/shop/commit/${head}\\) · \\[workflow run\\]\\(https://github.example/acme/shop/actions/runs/4242\\) · alembic-preflight 0\\.1\\.0 · PR mode · PostgreSQL`));
  assert.doesNotMatch(body, /\b\d+(\.\d)? (ms|s)\b/);
  // verbose is false: Alembic's INFO lines are not in the log.
  assert.doesNotMatch(first.stdout, /INFO {2}\[alembic\.runtime\.migration\]/);
  // The golden copy is the comment as posted, with the commit and this machine's versions (footer) made stable.
  const stable = body.replaceAll(head, '<head-sha>').replaceAll(head.slice(0, 7), '<head>').replace(/ · PR mode · .*<\/sub>\n$/, ' · PR mode · <database and versions></sub>\n');
  assertGolden('lint-hazards-comment.md', stable);

  // Suggestions: one review on the head commit, mechanical fixes on the migration lines.
  const reviews = gh.reviewsOn(PR);
  assert.equal(reviews.length, 1);
  assert.equal(reviews[0]!.commitId, head);
  assert.ok(reviews[0]!.body.startsWith(suggestionsMarker));
  const byPath = new Map(reviews[0]!.comments.map((c) => [`${c.path}:${c.line}`, c]));
  const indexFix = byPath.get(`${VERSIONS}/2025_01_15_1126-dda671218a25_index_users_by_email.py:24`);
  assert.ok(indexFix, [...byPath.keys()].join('\n'));
  assert.match(indexFix.body, /```suggestion\n {4}with op\.get_context\(\)\.autocommit_block\(\):\n {8}op\.create_index\('ix_users_email', 'users', \['email'\], unique=False, postgresql_concurrently=True\)\n```/);
  const timeouts = reviews[0]!.comments.filter((c) => c.body.includes('lock_timeout'));
  assert.ok(timeouts.length >= 10, `${timeouts.length} lock_timeout suggestions`);
  assert.ok(timeouts.every((c) => c.body.includes(`    """Upgrade schema."""\n    op.execute("SET LOCAL lock_timeout = '3s'")`)));

  // Re-run on the same commit: nothing changed, so neither the comment nor the review is written again.
  const writes = gh.writes().length;
  const again = await act(PR, 'hazards');
  assert.equal(again.code, 1, explain(again));
  assert.equal(gh.writes().length, writes, JSON.stringify(gh.writes().slice(writes).map((r) => `${r.method} ${r.path}`)));
  assert.equal(ours()[0]!.body, body);

  // The next push: the comment is edited in place, the old review's suggestions are removed, a new review posted.
  repo.pushIndexFix();
  gh.issues.find((i) => i.number === PR)!.headSha = repo.sha('hazards');
  const next = await act(PR, 'hazards');
  assert.equal(next.code, 1, explain(next));
  assert.equal(ours().length, 1);
  assert.notEqual(ours()[0]!.body, body);
  assert.ok(!ours()[0]!.body.includes('dda671218a25_index_users_by_email.py#L24)'), 'the fixed index is gone from the comment');
  const [old, fresh] = gh.reviewsOn(PR);
  assert.deepEqual(old!.comments, []);
  assert.match(old!.body, /Replaced by the suggestions for commit/);
  assert.equal(fresh!.commitId, repo.sha('hazards'));
  assert.ok(!fresh!.comments.some((c) => c.path.endsWith('dda671218a25_index_users_by_email.py') && c.body.includes('postgresql_concurrently')));
});

test('a PR that changes no migration gets no comment; an earlier comment is reduced to one line; comment: always and never', async () => {
  // main's models already describe the PR's tables: drift is left out, this is about the comment.
  const act = (number: number, branch: string, extra: Record<string, string>) => actAll(number, branch, { checks: 'graph,upgrade,stairway,lint', ...extra });
  const PR = 22;
  gh.addPullRequest(PR, repo.sha('docs'));
  const quiet = await act(PR, 'docs', { suggestions: 'false' });
  assert.equal(quiet.code, 0, explain(quiet));
  assert.equal(gh.commentsOn(PR).length, 0, 'no comment');
  assert.ok(!gh.writes().some((r) => r.path.includes(`/issues/${PR}/`)));

  gh.addComment(PR, `${marker}\nold findings from an earlier push`);
  const reduced = await act(PR, 'docs', { suggestions: 'false' });
  assert.equal(reduced.code, 0, explain(reduced));
  assert.equal(gh.commentsOn(PR).length, 1);
  assert.equal(gh.commentsOn(PR)[0]!.body, `${marker}\n✅ Alembic preflight <code>backend</code>: this pull request changes no migration, so there is nothing to check.\n`);

  const PR2 = 23;
  gh.addPullRequest(PR2, repo.sha('docs'));
  await act(PR2, 'docs', { suggestions: 'false', comment: 'never' });
  assert.equal(gh.commentsOn(PR2).length, 0);
  const always = await act(PR2, 'docs', { suggestions: 'false', comment: 'always' });
  assert.equal(always.code, 0, explain(always));
  assert.equal(gh.commentsOn(PR2).length, 1);
  assert.match(gh.commentsOn(PR2)[0]!.body, /Alembic preflight <code>backend<\/code>: passed/);
});
