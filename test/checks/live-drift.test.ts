import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyseGraph } from '../../src/checks/graph.ts';
import { isIgnored, liveRevisionStatus } from '../../src/checks/live-drift.ts';
import type { RevisionRecord } from '../../src/driver/protocol.ts';

const rev = (revision: string, down: string[] = []): RevisionRecord => ({
  revision, downRevisions: down, dependsOn: [], branchLabels: [], file: `v/${revision}.py`, line: 1, message: '',
  downgrade: 'ok', downgradeLine: null,
});
const graph = analyseGraph({ revisions: [rev('a'), rev('b', ['a']), rev('c', ['b'])], loadErrors: [] });

test('revision status: pending, at head, unknown, no table', () => {
  const pending = liveRevisionStatus(['a'], graph);
  assert.deepEqual(pending.target, ['a']);
  assert.match(pending.findings[0]!.message, /at revision a, head is c: 2 migrations pending/);
  assert.deepEqual(liveRevisionStatus(['c'], graph).findings, []);
  const unknown = liveRevisionStatus(['zzz'], graph);
  assert.equal(unknown.target, null);
  assert.equal(unknown.findings[0]!.code, 'live-drift/unknown-revision');
  const none = liveRevisionStatus(null, graph);
  assert.equal(none.findings[0]!.code, 'live-drift/no-version-table');
  assert.match(none.findings[0]!.hint ?? '', /alembic stamp c/);
});

test('ignore patterns match tables by name or schema.name, and whole schemas', () => {
  const cfg = { ignoreTables: ['legacy_*', 'audit.log?'], ignoreSchemas: ['reporting'], modelPackages: [] };
  const ch = (key: string) => ({ change: 'added' as const, kind: 'table' as const, key });
  assert.equal(isIgnored(ch('public.legacy_orders'), cfg), true);
  assert.equal(isIgnored({ ...ch('public.legacy_orders.id'), kind: 'column' }, cfg), true);
  assert.equal(isIgnored(ch('audit.logs'), cfg), true);
  assert.equal(isIgnored(ch('public.logs'), cfg), false);
  assert.equal(isIgnored(ch('reporting.anything'), cfg), true);
  assert.equal(isIgnored(ch('public.orders'), cfg), false);
});
