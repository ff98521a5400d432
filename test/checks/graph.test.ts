import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyseGraph } from '../../src/checks/graph.ts';
import type { RevisionRecord } from '../../src/driver/protocol.ts';

function rev(revision: string, down: string[] = [], extra: Partial<RevisionRecord> = {}): RevisionRecord {
  return {
    revision,
    downRevisions: down,
    dependsOn: [],
    branchLabels: [],
    file: `versions/${revision}.py`,
    line: 12,
    message: `rev ${revision}`,
    downgrade: 'ok',
    downgradeLine: 30,
    ...extra,
  };
}

test('a linear history passes and is ordered oldest first', () => {
  const g = analyseGraph({ revisions: [rev('c', ['b']), rev('a'), rev('b', ['a'])], loadErrors: [] });
  assert.equal(g.result.status, 'passed');
  assert.deepEqual(g.order, ['a', 'b', 'c']);
  assert.deepEqual(g.heads, ['c']);
  assert.deepEqual(g.revisions.map((r) => r.revision), ['a', 'b', 'c']);
});

test('two heads name both files and the merge command', () => {
  const g = analyseGraph({ revisions: [rev('a'), rev('b', ['a']), rev('c', ['a'])], loadErrors: [] });
  const f = g.result.findings.find((x) => x.code === 'graph/multiple-heads');
  assert.ok(f, 'multiple-heads finding');
  assert.match(f.message, /versions\/b\.py/);
  assert.match(f.message, /versions\/c\.py/);
  assert.match(f.hint ?? '', /alembic merge -m "merge heads" b c/);
  assert.equal(g.result.status, 'failed');
  // Two heads are walkable: the database checks still run on both branches.
  assert.deepEqual(g.order, ['a', 'b', 'c']);
});

test('a merge revision is understood, not flattened', () => {
  const g = analyseGraph({ revisions: [rev('a'), rev('b', ['a']), rev('c', ['a']), rev('m', ['b', 'c'])], loadErrors: [] });
  assert.equal(g.result.status, 'passed');
  assert.deepEqual(g.heads, ['m']);
  assert.equal(g.order!.at(-1), 'm');
  assert.equal(g.revisions.find((r) => r.revision === 'm')?.isMerge, true);
});

test('a dangling down_revision is an error naming the file, and the graph is not walked', () => {
  const g = analyseGraph({ revisions: [rev('a'), rev('b', ['zzz'])], loadErrors: [] });
  const f = g.result.findings.find((x) => x.code === 'graph/dangling-down-revision');
  assert.equal(f?.file, 'versions/b.py');
  assert.equal(f?.revision, 'b');
  assert.equal(g.order, null);
  // The dangling revision looks like a second head: that is the same problem, not a merge to make.
  assert.deepEqual(g.result.findings.map((x) => x.code), ['graph/dangling-down-revision']);
  assert.ok(!g.result.findings.some((x) => /alembic merge/.test(x.hint ?? '')));
});

test('a cycle is found and spelled out', () => {
  const g = analyseGraph({ revisions: [rev('a', ['b']), rev('b', ['a']), rev('c')], loadErrors: [] });
  const f = g.result.findings.find((x) => x.code === 'graph/cycle');
  assert.ok(f);
  assert.match(f.message, /a → b → a|b → a → b/);
  assert.equal(g.order, null);
});

test('duplicate revision ids are reported with both files', () => {
  const g = analyseGraph({ revisions: [rev('a'), rev('b', ['a']), rev('b', ['a'], { file: 'versions/b_copy.py' })], loadErrors: [] });
  const f = g.result.findings.find((x) => x.code === 'graph/duplicate-revision');
  assert.match(f?.message ?? '', /versions\/b\.py, versions\/b_copy\.py/);
  assert.equal(g.order, null);
});

test('multiple bases are an error unless every base carries a branch label', () => {
  const plain = analyseGraph({ revisions: [rev('a'), rev('b')], loadErrors: [] });
  assert.equal(plain.result.findings.find((x) => x.code === 'graph/multiple-bases')?.severity, 'error');
  const labelled = analyseGraph({
    revisions: [rev('a', [], { branchLabels: ['x'] }), rev('b', [], { branchLabels: ['y'] })],
    loadErrors: [],
  });
  assert.equal(labelled.result.findings.find((x) => x.code === 'graph/multiple-bases')?.severity, 'notice');
});

test('PR revisions come after every base-branch revision they do not depend on', () => {
  const g = analyseGraph(
    { revisions: [rev('a'), rev('n', ['a'], { file: 'versions/0_new.py' }), rev('b', ['a'], { file: 'versions/9_b.py' }), rev('m', ['n', 'b'])], loadErrors: [] },
    (file) => file === 'versions/0_new.py',
  );
  assert.deepEqual(g.order, ['a', 'b', 'n', 'm']);
});

test('a migration that does not load is reported alone, not echoed as dangling children and extra heads', () => {
  const g = analyseGraph({
    revisions: [rev('a'), rev('c', ['b'])],
    loadErrors: [{ kind: 'load', message: "SyntaxError: '(' was never closed", file: 'versions/b.py', line: 25 }],
  });
  assert.deepEqual(g.result.findings.map((f) => f.code), ['graph/load-error']);
  assert.equal(g.result.findings[0]!.line, 25);
  assert.equal(g.order, null);
});

test('a 10,000-revision cycle is found without recursion (no stack overflow) and named', () => {
  const n = 10_000;
  const id = (i: number) => `r${String(i).padStart(5, '0')}`;
  // r00000 → r09999 → ... → r00001 → r00000: every revision's down_revision is the next one, the last's the first.
  const revisions = Array.from({ length: n }, (_, i) => rev(id(i), [id((i + 1) % n)]));
  const g = analyseGraph({ revisions, loadErrors: [] });
  const f = g.result.findings.find((x) => x.code === 'graph/cycle');
  assert.ok(f, 'cycle finding');
  assert.equal(f.details?.length, n);
  assert.equal(g.order, null);
  // A 10,000-revision straight history orders too.
  const line = Array.from({ length: n }, (_, i) => rev(id(i), i ? [id(i - 1)] : []));
  const h = analyseGraph({ revisions: line, loadErrors: [] });
  assert.equal(h.order?.length, n);
  assert.equal(h.result.status, 'passed');
});
