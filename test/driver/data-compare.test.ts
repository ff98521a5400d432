// The data check's comparison (preflight_driver/data_compare.py) on rows as the walk reads them: rows lost, values
// changed, values moved and not moved back, and what is not a loss (a backfilled NULL, a dropped column).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot, venvPython } from '../support/env.ts';

type Table = { columns: string[]; rows: Record<string, unknown>[]; truncated?: boolean };
type Reads = Record<string, Table>;

const HARNESS = `
import json, sys
from preflight_driver.data_compare import compare
before, up, down, pks = json.loads(sys.argv[1])
key = lambda name: (None, name)
conv = lambda reads: dict((key(k), dict(v, truncated=v.get("truncated", False))) for k, v in reads.items())
print(json.dumps(compare(conv(before), conv(up), conv(down), dict((key(k), v) for k, v in pks.items()))))
`;

function compare(before: Reads, up: Reads, down: Reads, pks: Record<string, string[]> = { users: ['id'] }) {
  const out = execFileSync(venvPython(), ['-c', HARNESS, JSON.stringify([before, up, down, pks])], {
    encoding: 'utf8', env: { ...process.env, PYTHONPATH: join(repoRoot, 'src', 'driver') },
  });
  return JSON.parse(out) as { kind: string; table: string; column: string | null; count: number; movedTo?: string; after?: unknown }[];
}

const users = (rows: Record<string, unknown>[], columns = ['id', 'email', 'plan']): Reads => ({ users: { columns, rows } });
const BEFORE = users([
  { id: 1, email: 'seed-users-email-120', plan: null },
  { id: 2, email: 'seed-users-email-121', plan: 'seed-users-plan-60' },
]);

test('a backfilled NULL and an unchanged row are no loss', () => {
  const after = users([{ id: 1, email: 'seed-users-email-120', plan: 'free' }, { id: 2, email: 'seed-users-email-121', plan: 'seed-users-plan-60' }]);
  assert.deepEqual(compare(BEFORE, after, after), []);
});

test('a row gone after the downgrade is a lost row; a value overwritten is a changed value', () => {
  const down = users([{ id: 2, email: 'seed-users-email-121', plan: 'pro' }]);
  const found = compare(BEFORE, BEFORE, down);
  assert.deepEqual(found.map((f) => [f.kind, f.column, f.count]), [['lost-row', null, 1], ['changed', 'plan', 1]]);
  assert.equal(found[1]!.after, 'pro');
});

test('a column the upgrade drops may lose its values, unless they were moved and not moved back', () => {
  const up = users([{ id: 1, plan: null }, { id: 2, plan: 'seed-users-plan-60' }], ['id', 'plan']);
  const down = users([{ id: 1, email: null, plan: null }, { id: 2, email: null, plan: 'seed-users-plan-60' }]);
  assert.deepEqual(compare(BEFORE, up, down), [], 'dropped, not moved: expected');
  const moved = { ...up, contacts: { columns: ['user_id', 'address'], rows: [{ user_id: 1, address: 'seed-users-email-120' }, { user_id: 2, address: 'seed-users-email-121' }] } };
  const found = compare(BEFORE, moved, down);
  assert.deepEqual(found.map((f) => [f.kind, f.column, f.movedTo, f.count]), [['moved', 'email', 'contacts.address', 2]]);
  const back = users([{ id: 1, email: 'seed-users-email-120', plan: null }, { id: 2, email: 'seed-users-email-121', plan: 'seed-users-plan-60' }]);
  assert.deepEqual(compare(BEFORE, moved, back), [], 'moved back by the downgrade');
});

test('seeded values are matched whole: seed-users-email-12 is not seed-users-email-120', () => {
  const before = users([{ id: 1, email: 'seed-users-email-12', plan: null }]);
  const up = { users: { columns: ['id', 'plan'], rows: [{ id: 1, plan: null }] }, other: { columns: ['x'], rows: [{ x: 'seed-users-email-120' }] } };
  const down = users([{ id: 1, email: null, plan: null }]);
  assert.deepEqual(compare(before, up, down), []);
});

test('without a primary key rows are matched whole; a row read beyond the limit is not judged', () => {
  const before = { logs: { columns: ['msg'], rows: [{ msg: 'seed-logs-msg-1' }, { msg: 'seed-logs-msg-2' }] } };
  const down = { logs: { columns: ['msg'], rows: [{ msg: 'seed-logs-msg-1' }] } };
  assert.deepEqual(compare(before, before, down, {}).map((f) => [f.kind, f.count]), [['lost-row', 1]]);
  const truncated = { logs: { ...down.logs, truncated: true } };
  assert.deepEqual(compare(before, before, truncated, {}), []);
});
