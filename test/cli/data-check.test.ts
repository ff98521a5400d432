// The `data` check (the stairway on seeded rows) through the real CLI, on SQLite and on real PostgreSQL: each
// fixture's failure kind is caught with its row, and a history that follows the three-step practice (nullable →
// backfill → NOT NULL) gives no data finding. The stairway's own verdicts stay those of empty tables.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding, Report } from '../../src/report/model.ts';
import { check, runCli } from '../support/cli.ts';
import { fixture, venvPython } from '../support/env.ts';

const DATABASES = [['sqlite', 'sqlite'], ['postgresql', 'postgres-local']] as const;

async function dataRun(name: string, database: string): Promise<{ code: number | null; report: Report; stderr: string }> {
  const run = await runCli(['check', fixture(name), '--database', database, '--python', venvPython(),
    '--checks', 'upgrade,stairway,data', '--format', 'json']);
  assert.ok(run.report, run.stderr);
  return { code: run.code, report: run.report, stderr: run.stderr };
}

function only(report: Report, code: string): Finding {
  const data = check(report, 'data');
  assert.deepEqual(data.findings.map((f) => f.code), [code], JSON.stringify(data.findings, null, 1));
  // The stairway and the upgrade judge the migrations on empty tables, as without the data check.
  assert.equal(check(report, 'upgrade').status, 'passed', JSON.stringify(check(report, 'upgrade').findings));
  assert.equal(check(report, 'stairway').status, 'passed', JSON.stringify(check(report, 'stairway').findings));
  return data.findings[0]!;
}

const FAILING: { fixture: string; revision: string; code: string; row: RegExp; error: Record<string, RegExp>; pgOnly?: boolean }[] = [
  {
    fixture: 'data-not-null-added', revision: '8c4e2b7a1d55', code: 'data/upgrade-fails-on-rows', row: /^row of users: \{"id": \d/,
    error: { sqlite: /Cannot add a NOT NULL column/, postgresql: /column "plan" of relation "users" contains null values/ },
  },
  {
    fixture: 'data-set-not-null', revision: 'b7e1a3c6d902', code: 'data/upgrade-fails-on-rows', row: /"nickname": null/,
    error: { sqlite: /NOT NULL constraint failed: _alembic_tmp_users\.nickname/, postgresql: /column "nickname" of relation "users" contains null values/ },
  },
  {
    fixture: 'data-unique-duplicates', revision: '9a6d4e2b8c13', code: 'data/upgrade-fails-on-rows', row: /"city": "seed-users-city-\d+"/,
    error: { sqlite: /UNIQUE constraint failed: users\.city/, postgresql: /could not create unique index "ix_users_city"/ },
  },
  {
    fixture: 'data-type-cast-pg', revision: '6f3a8d0b5c27', code: 'data/upgrade-fails-on-rows', row: /"code": "seed-accounts-code-\d+"/,
    error: { postgresql: /invalid input syntax for type integer: "seed-accounts-code-\d+"/ }, pgOnly: true,
  },
  {
    fixture: 'data-downgrade-not-null', revision: 'd4a6c8e0b235', code: 'data/downgrade-fails-on-rows', row: /^row of users: /,
    error: { sqlite: /Cannot add a NOT NULL column/, postgresql: /column "city" of relation "users" contains null values/ },
  },
];

for (const [dialect, database] of DATABASES) {
  for (const c of FAILING) {
    if (c.pgOnly && dialect !== 'postgresql') continue;
    test(`${dialect}: ${c.fixture} fails on seeded rows (${c.code}), with the statement, the error and the row`, async () => {
      const { code, report } = await dataRun(c.fixture, database);
      assert.equal(code, 1);
      const f = only(report, c.code);
      assert.equal(f.severity, 'error');
      assert.equal(f.revision, c.revision);
      assert.match(f.message, c.error[dialect]!);
      assert.match(f.message, /passes on empty tables/);
      assert.ok(f.sql, 'the failing statement');
      assert.match(f.details?.[0] ?? '', c.row);
      assert.match(f.file ?? '', new RegExp(`${c.revision}_\\w+\\.py$`));
    });
  }

  test(`${dialect}: data-lost-on-rollback: the upgrade moves email, the downgrade does not move it back (warning)`, async () => {
    const { code, report } = await dataRun('data-lost-on-rollback', database);
    assert.equal(code, 0, 'a warning does not fail the run under the default fail-on');
    const f = only(report, 'data/lost-on-rollback');
    assert.equal(f.severity, 'warning');
    assert.equal(f.revision, 'c2f8a4d6e713');
    assert.match(f.message, /moved users\.email to users\.contact_email; the downgrade does not move it back \(3 rows\)/);
    assert.match(f.details?.[0] ?? '', /"email": "seed-users-email-\d+"/);
  });

  for (const name of ['data-three-step', 'healthy']) {
    test(`${dialect}: ${name} gives no data finding`, async () => {
      const { code, report, stderr } = await dataRun(name, database);
      assert.equal(code, 0, stderr);
      assert.deepEqual(check(report, 'data').findings, []);
      assert.equal(check(report, 'data').status, 'passed');
      assert.match(check(report, 'data').reason ?? '', /compared/);
    });
  }
}

// A lookup table made in one revision and filled with fixed ids in the next (roles 1, 2, 3): our rows must not take
// those ids (they did: the sequence gave them 1..3, and the bulk insert failed as a false data error).
test('a lookup table filled with fixed ids by a later revision gives no data finding, on SQLite and PostgreSQL', async () => {
  const { cpSync, mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const work = mkdtempSync(join(tmpdir(), 'preflight-lookup-'));
  try {
    const dir = join(work, 'p');
    cpSync(fixture('healthy'), dir, { recursive: true });
    const versions = join(dir, 'migrations', 'versions');
    const file = (rev: string, down: string, up: string, downBody: string) => writeFileSync(join(versions, `${rev}_x.py`),
      `"""x\n\nRevision ID: ${rev}\nRevises: ${down}\n"""\nfrom alembic import op\nimport sqlalchemy as sa\n\n` +
      `revision = '${rev}'\ndown_revision = '${down}'\nbranch_labels = None\ndepends_on = None\n\n\n` +
      `def upgrade():\n${up}\n\n\ndef downgrade():\n${downBody}\n`);
    file('aaaa00000001', 'ce5aaaef5033',
      "    op.create_table('roles', sa.Column('id', sa.Integer(), primary_key=True), sa.Column('name', sa.String(40), nullable=False))",
      "    op.drop_table('roles')");
    file('aaaa00000002', 'aaaa00000001', [
      "    roles = sa.table('roles', sa.column('id', sa.Integer()), sa.column('name', sa.String()))",
      "    op.bulk_insert(roles, [{'id': 1, 'name': 'admin'}, {'id': 2, 'name': 'editor'}, {'id': 3, 'name': 'viewer'}])",
    ].join('\n'), "    op.execute('DELETE FROM roles WHERE id IN (1, 2, 3)')");
    for (const [, database] of DATABASES) {
      const run = await runCli(['check', dir, '--database', database, '--python', venvPython(),
        '--checks', 'upgrade,stairway,data', '--format', 'json']);
      assert.ok(run.report, run.stderr);
      assert.deepEqual(check(run.report, 'data').findings.map((f) => [f.code, f.revision, f.message]), [], database);
      assert.equal(run.code, 0, `${database}: ${run.stderr.slice(-2000)}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
