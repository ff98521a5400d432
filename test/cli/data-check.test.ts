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
