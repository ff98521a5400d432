// The real CLI on the fixtures with real PostgreSQL (private clusters from local binaries): downgrades that leave
// traces, a migration failing half way, a refused hard-coded URL, postgres-url mode, and cleanup on SIGTERM.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { provisionPostgresLocal } from '../../src/database/postgres-local.ts';
import type { ThrowawayDatabase } from '../../src/database/provider.ts';
import { check, runCli } from '../support/cli.ts';
import { fixture, venvPython } from '../support/env.ts';

const pgCheck = (name: string, ...extra: string[]) =>
  runCli(['check', fixture(name), '--database', 'postgres-local', '--python', venvPython(), '--format', 'json', ...extra]);

function postgresProcesses(): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((l) => /\bpostgres\b.*preflight/.test(l) && !l.includes(' ps '));
}

// A second server standing for "production": the checker must never write to it.
let prod: ThrowawayDatabase;
before(async () => {
  prod = await provisionPostgresLocal({ tcp: true });
  const c = new pg.Client({ connectionString: prod.url });
  await c.connect();
  await c.query('CREATE TABLE customers (id int primary key, name text)');
  await c.query("INSERT INTO customers VALUES (1, 'ada'), (2, 'grace')");
  await c.end();
});
after(async () => {
  await prod?.dispose();
});

test('healthy passes every check on PostgreSQL', async () => {
  const run = await pgCheck('healthy');
  assert.equal(run.code, 0, run.stderr + JSON.stringify(run.report?.checks, null, 1));
  assert.equal(run.report!.environment.database?.provider, 'postgres-local');
  for (const c of run.report!.checks) assert.equal(c.status, 'passed', `${c.id}: ${JSON.stringify(c.findings)}`);
  assert.deepEqual(run.report!.counts, { error: 0, warning: 0, notice: 0 }, 'a healthy project has no finding at all');
});

test('a downgrade that leaves an enum type behind is caught with the exact object and revision', async () => {
  const run = await pgCheck('enum-left-behind');
  assert.equal(run.code, 1, run.stderr);
  const f = check(run.report!, 'stairway').findings.find((x) => x.code === 'stairway/downgrade-leaves-trace');
  assert.ok(f, JSON.stringify(check(run.report!, 'stairway')));
  assert.match(f.file ?? '', /create_orders\.py$/);
  assert.ok(f.details?.some((d) => /\+ enum .*order_status/.test(d)), f.details?.join('\n'));
  assert.equal(f.revision, run.report!.revisions.find((r) => r.file === f.file)?.revision);
  // The re-upgrade then fails (type already exists), as a plain `alembic upgrade +1` does: reported at the revision,
  // and the walk recovers instead of crashing.
  const reup = check(run.report!, 'stairway').findings.find((x) => x.code === 'stairway/reupgrade-failed');
  assert.equal(reup?.revision, f.revision, JSON.stringify(check(run.report!, 'stairway').findings));
  assert.match(reup!.message, /already exists|DuplicateObject/);
  // The round trip hits the same cause: said once, by the stairway, which names the revision.
  const roundtrip = check(run.report!, 'roundtrip');
  assert.deepEqual(roundtrip.findings, []);
  assert.match(roundtrip.reason ?? '', /left to the stairway/);
});

test('index and sequence left behind are named', async () => {
  const ix = await pgCheck('index-left-behind');
  assert.equal(ix.code, 1, ix.stderr);
  assert.ok(check(ix.report!, 'stairway').findings.some((f) => f.details?.some((d) => /\+ index /.test(d))));
  const seq = await pgCheck('sequence-left-behind');
  assert.equal(seq.code, 1, seq.stderr);
  assert.ok(check(seq.report!, 'stairway').findings.some((f) => f.details?.some((d) => /\+ sequence .*invoice_number_seq/.test(d))));
});

test('a migration failing half way names the revision, the op line and the database error', async () => {
  const run = await pgCheck('fails-halfway-pg');
  assert.equal(run.code, 1, run.stderr);
  const f = check(run.report!, 'upgrade').findings[0];
  assert.ok(f);
  assert.equal(f.code, 'upgrade/failed');
  assert.match(f.file ?? '', /^migrations\/versions\/.*\.py$/);
  assert.ok((f.line ?? 0) > 1);
  assert.ok(f.details?.some((d) => d.includes('23505')), f.details?.join('\n'));
  assert.equal(check(run.report!, 'roundtrip').status, 'skipped');
});

test('env.py hard-coding a production URL is refused (exit 2), the password is never printed, and production is untouched', async () => {
  const before = await prodState();
  const run = await runCli(['check', fixture('hardcoded-url'), '--database', 'postgres-local', '--python', venvPython()], {
    env: { FIXTURE_PROD_URL: prod.url.replace('postgresql://', 'postgresql+psycopg2://') },
  });
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.match(run.stdout, /env\.py/);
  const password = new URL(prod.url).password;
  if (password) assert.ok(!(run.stdout + run.stderr).includes(password), 'password printed');
  assert.deepEqual(await prodState(), before);
});

test('postgres-url mode creates its own database on the server, uses only it, and drops it', async () => {
  const run = await runCli(['check', fixture('healthy'), '--database', prod.url, '--python', venvPython(), '--format', 'json']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.report!.environment.database?.provider, 'postgres-url');
  const c = new pg.Client({ connectionString: prod.url });
  await c.connect();
  const dbs = await c.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'preflight\\_%'");
  await c.end();
  assert.deepEqual(dbs.rows, [], 'its database was dropped');
  assert.deepEqual((await prodState()).customers, [{ id: 1, name: 'ada' }, { id: 2, name: 'grace' }]);
  const password = new URL(prod.url).password;
  if (password) assert.ok(!(run.stdout + run.stderr).includes(password));
});

test('SIGTERM during a run disposes the database: no postgres process is left', async () => {
  const beforeProcs = postgresProcesses().length;
  let sent = false;
  const run = await runCli(['check', fixture('healthy'), '--database', 'postgres-local', '--python', venvPython()], {
    onStderr: (chunk, child) => {
      if (!sent && /walking revisions/.test(chunk)) {
        sent = true;
        child.kill('SIGTERM');
      }
    },
  });
  assert.ok(sent, 'the run reached the walk');
  assert.equal(run.code, 143, run.stderr);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(postgresProcesses().length, beforeProcs, postgresProcesses().join('\n'));
});

async function prodState() {
  const c = new pg.Client({ connectionString: prod.url });
  await c.connect();
  const customers = (await c.query('SELECT id, name FROM customers ORDER BY id')).rows;
  const tables = (await c.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).rows;
  await c.end();
  return { customers, tables };
}
