// PostgreSQL enum labels, which autogenerate never compares: fixtures/enum-labels adds a label with op.alter_column
// (a no-op on PostgreSQL), so plain `alembic check` passes and the application fails with `invalid input value for
// enum`. The drift check names the missing and the extra labels with the migration code; types read as each side
// really is (a native enum is not `VARCHAR(n)`). Checked against plain Alembic on a real server.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { provisionPostgresLocal } from '../../src/database/postgres-local.ts';
import type { ThrowawayDatabase } from '../../src/database/provider.ts';
import { check, runCli } from '../support/cli.ts';
import { fixture, hasOldVenv, venvPython } from '../support/env.ts';

let server: ThrowawayDatabase;
before(async () => {
  server = await provisionPostgresLocal({ tcp: true });
});
after(async () => {
  await server?.dispose();
});

const run = (database: string, python = venvPython()) =>
  runCli(['check', fixture('enum-labels'), '--database', database, '--python', python, '--checks', 'drift', '--format', 'json']);

function plainAlembic(...args: string[]) {
  const url = server.url.replace(/^postgres(ql)?:\/\//, 'postgresql+psycopg2://');
  return spawnSync(venvPython(), ['-m', 'alembic', ...args], { cwd: fixture('enum-labels'), env: { ...process.env, DATABASE_URL: url }, encoding: 'utf8' });
}

test('plain Alembic: upgrade head leaves order_status without "shipped", and `alembic check` sees only the channel type', () => {
  assert.equal(plainAlembic('upgrade', 'head').status, 0);
  const r = plainAlembic('check');
  const out = r.stdout + r.stderr;
  // The one thing autogenerate finds is the real type change; not a word about enum labels.
  assert.match(out, /modify_type', None, 'orders', 'channel'/);
  assert.doesNotMatch(out, /order_status|payment_method/);
  const labels = spawnSync(venvPython(), ['-c', [
    'import os, sqlalchemy as sa',
    'e = sa.create_engine(os.environ["URL"])',
    'with e.connect() as c: print(sa.inspect(c).get_enums())',
  ].join('\n')], { env: { ...process.env, URL: server.url.replace(/^postgres(ql)?:\/\//, 'postgresql+psycopg2://') }, encoding: 'utf8' });
  assert.match(labels.stdout, /'order_status'.*'labels': \['new', 'paid'\]/);
  assert.match(labels.stdout, /'payment_method'.*'labels': \['card', 'cash', 'cheque'\]/);
});

function assertEnumFindings(findings: { code: string; severity: string; message: string; hint?: string }[], label: string) {
  const all = JSON.stringify(findings.map((f) => [f.code, f.message]), null, 1);
  const missing = findings.find((f) => f.code === 'drift/enum-missing-labels');
  assert.ok(missing, `${label}: ${all}`);
  assert.equal(missing.severity, 'error');
  assert.match(missing.message, /enum `order_status`.*'shipped'.*`orders\.status`.*invalid input value for enum order_status/);
  // The code to add, placed where the models put the label, and the transaction caveat.
  assert.match(missing.hint ?? '', /op\.execute\("ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'shipped' AFTER 'paid'"\)/);
  assert.match(missing.hint ?? '', /autocommit_block/);
  assert.match(missing.hint ?? '', /PostgreSQL 12/);
  const extra = findings.find((f) => f.code === 'drift/enum-extra-labels');
  assert.ok(extra, `${label}: ${all}`);
  assert.equal(extra.severity, 'warning');
  assert.match(extra.message, /enum `payment_method`.*'cheque'/);
  assert.match(extra.hint ?? '', /CREATE TYPE payment_method AS ENUM \('card', 'cash'\)/);
  assert.match(extra.hint ?? '', /USING payment::text::payment_method/);
  assert.ok(!findings.some((f) => /order_priority/.test(f.message)), `${label}: the enum in step is not reported`);
  // A native enum column is described as the enum it is, not as the VARCHAR(n) of SQLAlchemy's default dialect.
  const type = findings.find((f) => f.code === 'drift/modify-type');
  assert.ok(type, `${label}: ${all}`);
  assert.match(type.message, /`orders\.channel` is order_channel \(enum: 'web', 'store', 'marketplace'\) in the migrated database but VARCHAR\(20\)/);
  assert.doesNotMatch(type.message, /VARCHAR\(11\)/);
  assert.equal(findings.length, 3, `${label}: exactly the three differences`);
}

test('drift on PostgreSQL: the missing label (error) and the extra label (warning), with the code to write', async () => {
  const r = await run('postgres-local');
  assert.equal(r.code, 1, r.stderr);
  assertEnumFindings(check(r.report!, 'drift').findings, 'latest');
});

test('drift on PostgreSQL with Alembic 1.8 / SQLAlchemy 1.4: the same enum findings', async (t) => {
  if (!hasOldVenv()) return t.skip('no .venv-old: run scripts/setup-python.sh without PREFLIGHT_SKIP_OLD');
  const r = await run('postgres-local', venvPython('old'));
  assert.equal(r.code, 1, r.stderr);
  const findings = check(r.report!, 'drift').findings;
  // Alembic < 1.12 compares no types unless env.py asks: the labels are compared all the same.
  assert.deepEqual(findings.map((f) => f.code).sort(), ['drift/enum-extra-labels', 'drift/enum-missing-labels']);
});

test('drift on SQLite: no native enums, so no label findings; a non-native Enum says it is one', async () => {
  const r = await run('sqlite');
  assert.equal(r.code, 1, r.stderr);
  const findings = check(r.report!, 'drift').findings;
  // As plain `alembic check` on SQLite: two modify_type, payment (VARCHAR(6) → the 4-character Enum) and channel.
  assert.deepEqual(findings.map((f) => f.code), ['drift/modify-type', 'drift/modify-type'], JSON.stringify(findings));
  assert.match(findings[0]!.message, /`orders\.payment` is VARCHAR\(6\) in the migrated database but VARCHAR\(4\) \(Enum payment_method: 'card', 'cash'\)/);
});
