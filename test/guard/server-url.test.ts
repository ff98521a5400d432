// Issue 10 items 6 and 7, against dist/: a server URL given through --database-url-env with its password in the
// query string never shows (stdout, stderr, JSON, SARIF, text, the process list sampled during the run), even when
// a migration prints it and runs it as SQL; and cluster-wide changes (CREATE ROLE, DROP DATABASE) are findings,
// with the created role dropped again.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { provisionPostgresLocal } from '../../src/database/postgres-local.ts';
import type { ThrowawayDatabase } from '../../src/database/provider.ts';
import { check, runCli } from '../support/cli.ts';
import { venvPython } from '../support/env.ts';
import { hostileProject, workDir } from './support.ts';

const SECRET = 'Qs-Pw-7f3a91';
const work = workDir('server-url');
let server: ThrowawayDatabase;
let admin: pg.Client;
let port: string;

before(async () => {
  server = await provisionPostgresLocal({ tcp: true });
  port = /:(\d+)\//.exec(server.url)![1]!;
  admin = new pg.Client({ host: '127.0.0.1', port: Number(port), user: 'postgres', database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE ROLE maker LOGIN CREATEDB CREATEROLE PASSWORD '${SECRET}'`);
});
after(async () => {
  await admin.end();
  await server.dispose();
  rmSync(work, { recursive: true, force: true });
});

test('the password never shows: not in any output, not in the process list while the run goes on', async () => {
  const dir = hostileProject(work, 'leaky', [
    "    url = os.environ['DATABASE_URL']",
    "    print('my url is', url, flush=True)",
    "    print('my url is', url, file=sys.stderr, flush=True)",
    "    op.execute(sa.text(\"SELECT :u AS leaked\").bindparams(u=url))",
    "    op.execute(\"SELECT '\" + url + \"' AS leaked_literal\")",
  ].join('\n'));
  const url = `postgresql://maker@127.0.0.1:${port}/postgres?sslmode=disable&password=${SECRET}`;
  const outputs: string[] = [];
  const ps: string[] = [];
  const sampler = setInterval(() => ps.push(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })), 100);
  try {
    for (const format of ['json', 'text']) {
      const output = join(work, `report-${format}.json`);
      const sarif = join(work, `report-${format}.sarif`);
      const run = await runCli(['check', dir, '--database-url-env', 'PREFLIGHT_TEST_SERVER', '--python', venvPython(),
        '--format', format, '--output', output, '--sarif', sarif, '-v'], { dist: true, env: { PREFLIGHT_TEST_SERVER: url } });
      assert.ok(run.code === 0 || run.code === 1, run.stderr);
      assert.match(run.stderr, /my url is postgresql(\+\w+)?:\/\/maker@127\.0\.0\.1:\d+\/preflight_[0-9a-f]+\?sslmode=disable&password=\*\*\*/);
      outputs.push(run.stdout, run.stderr, readFileSync(output, 'utf8'), readFileSync(sarif, 'utf8'));
    }
  } finally {
    clearInterval(sampler);
  }
  assert.ok(ps.some((p) => p.includes('--database-url-env PREFLIGHT_TEST_SERVER')), 'the process list was sampled during the runs');
  const leaks = [...outputs, ...ps].filter((o) => o.includes(SECRET));
  assert.deepEqual(leaks.map((l) => l.slice(Math.max(0, l.indexOf(SECRET) - 200), l.indexOf(SECRET) + 40)), []);
});

test('CREATE ROLE and DROP DATABASE on a shared server: findings, and the created role is dropped again', async () => {
  await admin.query('CREATE DATABASE victim OWNER maker');
  const dir = hostileProject(work, 'cluster-wide', [
    "    op.execute('CREATE ROLE preflight_probe_role')",
    '    with op.get_context().autocommit_block():',
    "        op.execute('DROP DATABASE victim')",
  ].join('\n'));
  const run = await runCli(['check', dir, '--database-url-env', 'PREFLIGHT_TEST_SERVER', '--python', venvPython(),
    '--checks', 'upgrade', '--format', 'json'], {
    dist: true,
    env: { PREFLIGHT_TEST_SERVER: `postgresql://maker:${SECRET}@127.0.0.1:${port}/postgres` },
  });
  assert.equal(run.code, 1, run.stderr);
  const upgrade = check(run.report!, 'upgrade');
  const codes = upgrade.findings.map((f) => `${f.code} ${f.message}`);
  assert.ok(codes.some((c) => /^upgrade\/server-role-created .*"preflight_probe_role".*dropped again/.test(c)), codes.join('\n'));
  assert.ok(codes.some((c) => /^upgrade\/server-database-dropped .*"victim"/.test(c)), codes.join('\n'));
  assert.equal(upgrade.status, 'failed');
  const roles = await admin.query("SELECT 1 FROM pg_roles WHERE rolname = 'preflight_probe_role'");
  assert.equal(roles.rowCount, 0, 'the role the run created is gone');
  const left = await admin.query("SELECT datname FROM pg_database WHERE datname LIKE 'preflight\\_%'");
  assert.equal(left.rowCount, 0);
});
