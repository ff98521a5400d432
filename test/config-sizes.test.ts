// [tool.alembic-preflight.table-sizes], max-lock-seconds and --table-sizes-from: what they accept, and the errors
// (naming the key) for what they do not.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseRowCount, tableSize } from '../src/config-sizes.ts';
import { resolveConfig } from '../src/config.ts';
import { UserError } from '../src/errors.ts';

const dirs: string[] = [];
function project(pyproject?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-sizes-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'alembic.ini'), '[alembic]\nscript_location = migrations\n');
  if (pyproject !== undefined) writeFileSync(join(dir, 'pyproject.toml'), pyproject);
  return dir;
}
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function fails(raw: Parameters<typeof resolveConfig>[0], message: RegExp): Promise<void> {
  await assert.rejects(resolveConfig(raw), (e: unknown) => {
    assert.ok(e instanceof UserError, String(e));
    assert.match(e.message, message);
    return true;
  });
}

test('table sizes: integers with underscores, suffixed strings, schema-qualified names; max-lock-seconds', async () => {
  const dir = project([
    '[tool.alembic-preflight]',
    'max-lock-seconds = 5',
    '[tool.alembic-preflight.table-sizes]',
    'users = 50_000_000',
    '"billing.Invoices" = "1.5M"',
    'events = "2B"',
  ].join('\n'));
  const c = await resolveConfig({ dir });
  assert.deepEqual(c.lockTime?.tableSizes, { users: 50_000_000, 'billing.invoices': 1_500_000, events: 2_000_000_000 });
  assert.equal(c.lockTime?.maxLockSeconds, 5);
  // A bare name matches any schema; a qualified one only its own.
  assert.deepEqual(tableSize(c.lockTime, 'public', 'users'), { rows: 50_000_000, source: 'table-sizes' });
  assert.deepEqual(tableSize(c.lockTime, 'billing', 'invoices'), { rows: 1_500_000, source: 'table-sizes' });
  assert.equal(tableSize(c.lockTime, 'public', 'invoices'), null);
  // The flag wins over pyproject.
  assert.equal((await resolveConfig({ dir, maxLockSeconds: '0.5' })).lockTime?.maxLockSeconds, 0.5);
});

test('no configuration: no sizes, no threshold', async () => {
  const c = await resolveConfig({ dir: project() });
  assert.deepEqual(c.lockTime, { tableSizes: {}, reportSizes: [] });
});

test('row counts: what parses and what does not', () => {
  assert.equal(parseRowCount(10), 10);
  assert.equal(parseRowCount('20k'), 20_000);
  assert.equal(parseRowCount('12,000'), 12_000);
  for (const bad of [-1, 1.5, 'many', '', true, [], {}]) assert.equal(parseRowCount(bad), null, JSON.stringify(bad));
});

test('strict errors naming the key', async () => {
  await fails({ dir: project('[tool.alembic-preflight.table-sizes]\nusers = "lots"\n') }, /table-sizes\] users must be a whole number of rows.*"lots"/);
  await fails({ dir: project('[tool.alembic-preflight.table-sizes]\nusers = -3\n') }, /table-sizes\] users must be a whole number/);
  await fails({ dir: project('[tool.alembic-preflight.table-sizes]\n"a.b.c" = 3\n') }, /"a\.b\.c" is not a table name/);
  await fails({ dir: project('[tool.alembic-preflight]\ntable-sizes = 3\n') }, /table-sizes\] must be a table/);
  await fails({ dir: project('[tool.alembic-preflight]\nmax-lock-seconds = 0\n') }, /max-lock-seconds must be a positive number of seconds/);
  await fails({ dir: project(), maxLockSeconds: 'soon' }, /^max-lock-seconds must be a positive number/);
});

test('--table-sizes-from: a drift report with tableSizes; anything else is refused with the reason', async () => {
  const dir = project();
  const base = { version: 1, tool: { name: 'alembic-preflight', version: 'x' }, mode: 'drift', projectDir: '.', status: 'passed',
    checks: [], revisions: [], newRevisions: [], migrations: [], schemaDiff: [], counts: {}, environment: {} };
  const good = join(dir, 'drift.json');
  writeFileSync(good, JSON.stringify({ ...base, tableSizes: [{ schema: 'public', table: 'users', rows: 1234, bytes: 8192 }] }));
  const c = await resolveConfig({ dir, tableSizesFrom: good });
  assert.deepEqual(tableSize(c.lockTime, 'public', 'users'), { rows: 1234, source: 'the drift report' });
  // pyproject's size wins over the report's.
  const both = project('[tool.alembic-preflight.table-sizes]\nusers = 99\n');
  assert.deepEqual(tableSize((await resolveConfig({ dir: both, tableSizesFrom: good })).lockTime, 'public', 'users'), { rows: 99, source: 'table-sizes' });

  const noSizes = join(dir, 'check.json');
  writeFileSync(noSizes, JSON.stringify({ ...base, mode: 'full' }));
  await fails({ dir, tableSizesFrom: noSizes }, /has no table sizes: write it with `alembic-preflight drift --output/);
  const foreign = join(dir, 'foreign.json');
  writeFileSync(foreign, JSON.stringify({ hello: 1 }));
  await fails({ dir, tableSizesFrom: foreign }, /is not an alembic-preflight report/);
  await fails({ dir, tableSizesFrom: join(dir, 'missing.json') }, /missing\.json does not exist/);
  const badRow = join(dir, 'bad-row.json');
  writeFileSync(badRow, JSON.stringify({ ...base, tableSizes: [{ schema: 'public', table: 'users', rows: 'x' }] }));
  await fails({ dir, tableSizesFrom: badRow }, /tableSizes\[0\] needs schema, table and rows/);
});
