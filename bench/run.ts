// `npm run bench`: measures, in one run against one local PostgreSQL, plain Alembic CLI commands, pytest-alembic,
// and alembic-preflight on a generated 100-revision history, then lint on 100 and 1,000 revisions; prints ratios.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { provisionPostgresLocal } from '../src/database/postgres-local.ts';
import { withDatabase, withDriver } from '../src/database/url.ts';
import type { Report } from '../src/report/model.ts';
import { generateHistory } from './generate-history.ts';

const root = resolve(import.meta.dirname, '..');
const python = join(root, '.venv', 'bin', 'python');
const alembic = join(root, '.venv', 'bin', 'alembic');
const REVISIONS = Number(process.env.BENCH_REVISIONS ?? 100);

interface Measure { label: string; seconds: number; peakMb: number | null; ok: boolean }

/** Whole-process wall time and peak RSS (GNU time's %M, KiB) of one command. */
function measure(label: string, argv: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; okCodes?: number[] }): Measure & { stdout: string } {
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
  const cmd = timeBin ? [timeBin, '-f', '__PEAK_KB=%M', ...argv] : argv;
  const started = process.hrtime.bigint();
  const r = spawnSync(cmd[0]!, cmd.slice(1), { cwd: opts.cwd, env: { ...process.env, ...opts.env }, encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peak = /__PEAK_KB=(\d+)/.exec(r.stderr ?? '');
  const ok = (opts.okCodes ?? [0]).includes(r.status ?? -1);
  if (!ok) process.stderr.write(`${label} exited ${r.status}:\n${(r.stdout ?? '').slice(-2000)}${(r.stderr ?? '').slice(-3000)}\n`);
  return { label, seconds, peakMb: peak ? Number(peak[1]) / 1024 : null, ok, stdout: r.stdout ?? '' };
}

/** Several commands in sequence count as one: times add up, the peak is the highest. */
function sequence(label: string, runs: (Measure & { stdout: string })[]): Measure {
  return {
    label,
    seconds: runs.reduce((s, r) => s + r.seconds, 0),
    peakMb: runs.every((r) => r.peakMb !== null) ? Math.max(...runs.map((r) => r.peakMb!)) : null,
    ok: runs.every((r) => r.ok),
  };
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'preflight-bench-'));
  const t0 = process.hrtime.bigint();
  const server = await provisionPostgresLocal({ tcp: true });
  const readyMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  let n = 0;
  const freshDb = async () => {
    const name = `bench_${n++}`;
    await admin.query(`CREATE DATABASE ${name}`);
    return withDriver(withDatabase(server.url, name), 'psycopg2');
  };
  try {
    const { dir } = generateHistory(join(work, 'project'), REVISIONS);
    const results: Measure[] = [];

    const upgradeOnly = measure('alembic upgrade head', [alembic, 'upgrade', 'head'], { cwd: dir, env: { DATABASE_URL: await freshDb() } });
    results.push(upgradeOnly);

    const threeUrl = await freshDb();
    const three = sequence('alembic upgrade head && downgrade base && upgrade head', [
      measure('up', [alembic, 'upgrade', 'head'], { cwd: dir, env: { DATABASE_URL: threeUrl } }),
      measure('down', [alembic, 'downgrade', 'base'], { cwd: dir, env: { DATABASE_URL: threeUrl } }),
      measure('up', [alembic, 'upgrade', 'head'], { cwd: dir, env: { DATABASE_URL: threeUrl } }),
    ]);
    results.push(three);

    const checkUrl = await freshDb();
    measure('prepare', [alembic, 'upgrade', 'head'], { cwd: dir, env: { DATABASE_URL: checkUrl } });
    const alembicCheck = measure('alembic check (database at head)', [alembic, 'check'], { cwd: dir, env: { DATABASE_URL: checkUrl } });
    results.push(alembicCheck);

    writeFileSync(join(dir, 'conftest.py'), `import os
import pytest
import sqlalchemy as sa


@pytest.fixture
def alembic_engine():
    return sa.create_engine(os.environ["DATABASE_URL"])
`);
    writeFileSync(join(dir, 'test_migrations.py'), `from pytest_alembic.tests import (  # noqa: F401
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)
from pytest_alembic.tests.experimental import test_downgrade_leaves_no_trace  # noqa: F401
`);
    const pytest = measure('pytest-alembic (default tests + downgrade_leaves_no_trace)',
      [python, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'test_migrations.py'],
      // Exit 1 is "tests failed", not "did not run": the experimental downgrade_leaves_no_trace compares autogenerate
      // diffs against the head models and fails on histories like this one (its own known limitation).
      { cwd: dir, env: { DATABASE_URL: await freshDb() }, okCodes: [0, 1] });
    results.push(pytest);
    const pytestFailed = /(\d+) failed/.exec(pytest.stdout)?.[1];

    const cli = join(root, 'dist', 'cli.js');
    const ours = measure('alembic-preflight check (graph, upgrade, roundtrip, stairway)',
      [process.execPath, cli, 'check', dir, '--database', server.url, '--python', python, '--checks', 'graph,upgrade,roundtrip,stairway', '--format', 'json'],
      { cwd: root });
    results.push(ours);
    const report = JSON.parse(ours.stdout) as Report;
    const full = measure('alembic-preflight check (all checks incl. drift and lint)',
      [process.execPath, cli, 'check', dir, '--database', server.url, '--python', python, '--format', 'json'], { cwd: root });
    results.push(full);
    const fullReport = JSON.parse(full.stdout) as Report;

    console.log(`\nalembic-preflight benchmark: ${REVISIONS} revisions, PostgreSQL ${server.serverVersion}, ${new Date().toISOString()}`);
    console.log(`local PostgreSQL ready (initdb + start + first connection): ${readyMs.toFixed(0)} ms`);
    console.log('');
    console.log('| command | wall s | peak MB | ok |');
    console.log('| --- | ---: | ---: | --- |');
    for (const r of results) console.log(`| ${r.label} | ${r.seconds.toFixed(2)} | ${r.peakMb?.toFixed(0) ?? 'n/a'} | ${r.ok ? 'yes' : 'NO'} |`);
    console.log('');
    console.log(`ratio ours / three plain commands: ${(ours.seconds / three.seconds).toFixed(2)}x (target <= 1.5x)`);
    console.log(`ratio ours / pytest-alembic:       ${(ours.seconds / pytest.seconds).toFixed(2)}x (target <= 0.7x)`);
    if (pytestFailed) console.log(`  (pytest-alembic reported ${pytestFailed} failing test(s): a failing test stops at its first bad revision, so its time covers less work than ours)`);
    const drift = fullReport.checks.find((c) => c.id === 'drift');
    if (drift) console.log(`drift check: ${(drift.durationMs / 1000).toFixed(2)} s in-process vs alembic check ${alembicCheck.seconds.toFixed(2)} s as a process: ${(drift.durationMs / 1000 / alembicCheck.seconds).toFixed(2)}x (target < 1.5x)`);
    console.log(`per-check times (s): ${report.checks.map((c) => `${c.id} ${(c.durationMs / 1000).toFixed(2)}`).join(', ')}`);
    const bad = fullReport.checks.filter((c) => c.status !== 'passed');
    if (bad.length) console.log(`note: checks not passed on the synthetic history: ${bad.map((c) => `${c.id}=${c.status} (${c.findings.slice(0, 3).map((f) => f.code).join(', ')})`).join('; ')}`);

    if (results.some((r) => !r.ok)) {
      console.log('\nSOME COMMANDS FAILED (see above): the figures are not comparable.');
      process.exitCode = 1;
    }
    const lintBench = join(root, 'bench', 'lint.ts');
    if (existsSync(lintBench)) {
      const { benchLint } = (await import(lintBench)) as { benchLint: () => Promise<void> };
      await benchLint();
    }
  } finally {
    await admin.end();
    await server.dispose();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
