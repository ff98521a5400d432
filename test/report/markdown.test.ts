// The Markdown reporter: golden files for a plain PR report, a hostile one and a huge one (truncation), plus the
// properties that matter whatever the wording: one marker, no break-out, always within the size limit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMENT_LIMIT, byteLength, renderHint, renderMarkdown, renderMarkdownDetailed } from '../../src/report/markdown.ts';
import { commentMarker, MARKER_PREFIX } from '../../src/report/markdown-escape.ts';
import { assertGolden } from './golden-file.ts';
import { htmlTags, scanFences } from './markdown-structure.ts';
import { HOSTILE, hostileReport, hugeReport, prReport } from './sample-reports.ts';

const RUN = 'https://github.com/acme/shop/actions/runs/123';
const ALLOWED_TAGS = new Set(['<details>', '</details>', '<summary>', '</summary>', '<code>', '</code>', '<sub>', '</sub>', '<!--']);

function assertContained(markdown: string): void {
  const scanned = scanFences(markdown);
  assert.equal(scanned.unclosed, 0, 'every code block is closed');
  const tags = htmlTags(scanned.outside);
  const foreign = tags.filter((t) => !ALLOWED_TAGS.has(t.replace(/\s.*>$/, '>')));
  assert.deepEqual(foreign, [], 'no HTML of the input leaks out of code blocks');
  assert.equal(tags.filter((t) => t === '<details>' || t.startsWith('<details')).length, tags.filter((t) => t === '</details>').length, 'details balanced');
  assert.equal(tags.filter((t) => t === '<!--').length <= 1, true, 'at most our own marker opens an HTML comment');
  assert.equal(markdown.split(MARKER_PREFIX).length - 1, markdown.startsWith(MARKER_PREFIX) ? 1 : 0, 'the marker appears only as the first line');
}

const LINKS = { repositoryUrl: 'https://github.com/acme/shop', headSha: 'c0ffee0123456789abcdef0123456789abcdef01', projectPath: 'backend', runUrl: RUN };
const DOCS = 'https://github.com/alembic-preflight/alembic-preflight/blob/v0.1.0/docs';

test('PR comment: action list with links, status table, the revision with its SQL and findings, schema diff, footer', () => {
  const md = renderMarkdown(prReport(), { fullReportUrl: RUN, links: LINKS });
  assertGolden('pr-comment.md', md);
  assert.ok(md.startsWith(`${commentMarker('backend')}\n`));
  for (const row of ['Revision graph', 'Upgrade', 'Round trip', 'Stairway', 'Model drift', 'SQL lint']) assert.match(md, new RegExp(`\\| ${row} \\|`));
  // "Action needed" comes first: one line per error and warning, the code linked to its page at the tool's version,
  // the file:line at the head commit; notices are not in it.
  const action = md.slice(md.indexOf('#### Action needed'), md.indexOf('| Check |'));
  const items = action.split('\n').filter((l) => l.startsWith('- '));
  assert.equal(items.length, 2);
  assert.ok(items[0]!.startsWith('- ❌ **error** [<code>drift/missing-column</code>]'));
  assert.ok(items[1]!.includes(`(https://github.com/acme/shop/blob/${LINKS.headSha}/backend/alembic/versions/2b3c4d5e6f70_add_email.py#L21)`), items[1]);
  assert.ok(items[0]!.includes(`(${DOCS}/report.md#finding-codes)`));
  assert.ok(!action.includes('adding-not-null-field'));
  // The lint warning sits right after the CREATE INDEX statement; Alembic's bookkeeping is not shown.
  const index = md.indexOf('CREATE INDEX ix_users_email ON users (email);');
  const warning = md.indexOf('require-concurrent-index', md.indexOf('#### New revisions'));
  assert.ok(index < warning && warning < md.indexOf('**Downgrade SQL**'), 'finding placed next to its statement');
  assert.doesNotMatch(md, /alembic_version/);
  // No timings anywhere (a re-run renders the same bytes); the footer names commit, run and version.
  assert.doesNotMatch(md, /\d+(\.\d)? (ms|s)\b/);
  assert.match(md.trimEnd().split('\n').at(-1)!, new RegExp(`^<sub>commit \\[<code>c0ffee0</code>\\]\\(https://github.com/acme/shop/commit/${LINKS.headSha}\\) · \\[workflow run\\]\\(${RUN}\\) · alembic-preflight 0.1.0 · `));
  // Schema changes say type, nullability and default per column.
  assert.match(md, /\| ➕ added \| column \| <code>public.users.email<\/code> \| <code>character varying\(255\)<\/code> · NOT NULL · <code>DEFAULT ''::character varying<\/code> \|/);
  assert.match(md, /<code>integer<\/code> → <code>bigint<\/code> · NULL · no default/);
  assert.match(md, /op\.add_column\("users", sa\.Column\("nickname"/, 'drift hint code shown');
  assertContained(md);
  assert.equal(renderMarkdown(prReport(), { fullReportUrl: RUN, links: LINKS }), md, 'deterministic');
});

test('a revision with an error is open, the others are collapsed', () => {
  const report = hugeReport();
  const md = renderMarkdown(report, { maxBytes: Number.MAX_SAFE_INTEGER });
  const summaries = md.split('\n').filter((l) => l.startsWith('<details'));
  assert.equal(summaries.length, 15);
  summaries.forEach((l, i) => assert.equal(l.startsWith('<details open>'), i % 3 === 0, l));
});

test('a long hint repeated across findings is shown once, with "and N more like this"', () => {
  const report = prReport();
  const long = `Set a lock_timeout:\n\n\`\`\`python\n${Array.from({ length: 8 }, (_, i) => `line_${i} = ${i}`).join('\n')}\n\`\`\``;
  const lint = report.checks.find((c) => c.id === 'lint')!;
  for (const line of [30, 31, 32]) {
    lint.findings.push({ code: 'missing-lock-timeout', severity: 'warning', message: `no timeout ${line}`, revision: '2b3c4d5e6f70', file: 'alembic/versions/2b3c4d5e6f70_add_email.py', line, hint: long });
  }
  const md = renderMarkdown(report);
  assert.equal(md.split('line_7 = 7').length - 1, 1, 'the long hint once');
  assert.match(md, /… and 2 more like this\./);
  assert.equal(md.split('Fix: as for <code>missing-lock-timeout</code> at <code>alembic/versions/2b3c4d5e6f70\\_add\\_email.py:30</code> above.').length - 1, 2);
});

test('job summary variant: no marker, everything, and the same check table', () => {
  const md = renderMarkdown(prReport(), { variant: 'summary' });
  assertGolden('pr-summary.md', md);
  assert.ok(!md.includes(MARKER_PREFIX));
});

test('hostile text in docstrings, SQL, identifiers, messages and hints cannot break out', () => {
  const md = renderMarkdown(hostileReport(), { fullReportUrl: RUN });
  assertGolden('hostile-comment.md', md);
  assertContained(md);
  // The hostile SQL is shown (inside a fence longer than its 5-backtick run), not dropped.
  assert.match(md, /^`{6,}sql$/m);
  assert.ok(md.includes("COMMENT ON TABLE users IS '`````"));
  // @mentions are defused everywhere outside code.
  for (const line of scanFences(md).outside) assert.doesNotMatch(line, /@octocat/);
  assert.ok(HOSTILE.includes('<!-- alembic-preflight:backend -->'));
});

test('over 65,536 characters: drops SQL first (as much as needed), links the job summary, stays valid', () => {
  const report = hugeReport();
  const full = renderMarkdownDetailed(report, { fullReportUrl: RUN, maxBytes: Number.MAX_SAFE_INTEGER });
  assert.equal(full.level, 'full');
  assert.ok(full.bytes > COMMENT_LIMIT, `the sample must be over the limit (is ${full.bytes})`);
  const fitted = renderMarkdownDetailed(report, { fullReportUrl: RUN });
  assert.equal(fitted.level, 'some-sql');
  assert.ok(fitted.bytes <= COMMENT_LIMIT);
  assert.equal(fitted.bytes, byteLength(fitted.markdown));
  assert.ok(fitted.markdown.includes(`[job summary](${RUN})`));
  // The first revisions keep their SQL, the rest say where it is; every finding is still there.
  assert.ok(fitted.markdown.includes("INSERT INTO items (id, name) VALUES (0, 'item number 0 of batch 0');"));
  assert.ok(!fitted.markdown.includes("VALUES (14000, 'item number 0 of batch 14')"));
  assert.ok(fitted.markdown.includes('SQL left out to fit the size limit'));
  // Each finding in the action list and under its revision.
  assert.equal(fitted.markdown.split('<code>batch-data-migration</code>').length - 1, 30);
  assertGolden('huge-comment.md', fitted.markdown);
  assertContained(fitted.markdown);

  const noSql = renderMarkdownDetailed(report, { fullReportUrl: RUN, maxBytes: 14_000 });
  assert.equal(noSql.level, 'no-sql');
  assert.ok(!noSql.markdown.includes('INSERT INTO items'), 'no SQL left');
  assert.equal(noSql.markdown.split('<code>batch-data-migration</code>').length - 1, 30, 'findings kept');
  assertContained(noSql.markdown);
});

test('tighter limits degrade further: compact, then minimal, then a bare notice; never throws', () => {
  const report = hugeReport();
  const limits = [6_000, 2_000, 300];
  const levels = limits.map((maxBytes) => renderMarkdownDetailed(report, { fullReportUrl: RUN, maxBytes }));
  assert.deepEqual(levels.map((l) => l.level), ['compact', 'minimal', 'minimal']);
  levels.forEach((l, i) => assert.ok(l.bytes <= limits[i]!, `${l.bytes} bytes over ${limits[i]}`));
  assert.ok(levels[0]!.markdown.includes('#### Action needed') && !levels[0]!.markdown.includes('<details'), 'compact: findings as one-liners');
  assert.ok(!levels[1]!.markdown.includes('#### Action needed') && levels[1]!.markdown.includes('| Revision graph |'), 'minimal: the status table');
  assert.ok(!levels[2]!.markdown.includes('| Revision graph |'), 'bare: header and notice only');
  for (const l of levels) {
    assert.ok(l.markdown.startsWith(commentMarker('backend')));
    assert.ok(l.markdown.includes(RUN));
    assertContained(l.markdown);
  }
  assertGolden('minimal-comment.md', levels[1]!.markdown);
});

test('one very long SQL block is cut at a statement boundary at full detail, keeping its findings', () => {
  const report = hugeReport();
  report.newRevisions = [report.newRevisions[0]!];
  const md = renderMarkdownDetailed(report, { sqlBlockChars: 2_000 });
  assert.equal(md.level, 'full');
  assert.match(md.markdown, /… \d+ more lines of SQL not shown here/);
  assert.ok(md.markdown.includes('batch-data-migration'));
  // Every shown INSERT is whole: each line that starts one ends with its semicolon.
  for (const line of md.markdown.split('\n').filter((l) => l.startsWith('INSERT'))) assert.match(line, /;$/);
  assertContained(md.markdown);
});

test('markers are keyed by project path and cannot be closed early by a hostile path', () => {
  assert.equal(commentMarker('.'), '<!-- alembic-preflight:. -->');
  assert.equal(commentMarker('services/api'), '<!-- alembic-preflight:services/api -->');
  assert.notEqual(commentMarker('services/api'), commentMarker('services/web'));
  const evil = commentMarker('x --> <b>y</b> --');
  assert.equal(evil.indexOf('-->'), evil.length - 3);
  assert.doesNotMatch(evil.slice('<!-- '.length, -' -->'.length), /--|[<> ]/);
});

test('hint prose keeps its `code spans` as code, escaped inside', () => {
  assert.equal(renderHint('Run `alembic merge -m "x" a b` now'), 'Run <code>alembic merge -m &quot;x&quot; a b</code> now');
  assert.equal(renderHint('`a|b` and `</code>`'), '<code>a&#124;b</code> and <code>&lt;/code&gt;</code>');
  assert.equal(renderHint('unbalanced ``` fence'), 'unbalanced \\`\\`\\` fence');
});
