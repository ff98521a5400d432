// `npm run bench`: the paired comparison, on generated histories of 100 and 500 revisions, SQLite and PostgreSQL:
// alembic-preflight (graph, upgrade, stairway, round trip) vs the three commands teams write (`alembic upgrade head
// && alembic downgrade base && alembic upgrade head`) vs pytest-alembic (its default tests and
// downgrade_leaves_no_trace); and a history with five broken revisions vs one plain `upgrade head`. Runs alternate
// (ours, three, pytest; ours, three, pytest; ...), medians of BENCH_ROUNDS (default 3); ratios come from one run.
// Peak memory sums node and Python (sampled from /proc); time per phase comes from our own walk's progress line.
// The seeded stairway (`--checks ...,data`) is timed against the plain stairway on the smallest history.
// `npm run bench -- --quick`: 30 revisions, SQLite and PostgreSQL, one round (for CI); the full bench is by hand.

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
const cli = join(root, 'dist', 'cli.js');
const quick = process.argv.includes('--quick');
const SIZES = quick ? [30] : (process.env.BENCH_SIZES ?? '100,500').split(',').map(Number);
const ROUNDS = quick ? 1 : Number(process.env.BENCH_ROUNDS ?? 3);
const DIALECTS = (process.env.BENCH_DIALECTS ?? 'sqlite,postgresql').split(',') as ('sqlite' | 'postgresql')[];
const PYTEST = !quick && process.env.BENCH_PYTEST !== '0';
// pytest-alembic's downgrade_leaves_no_trace reflects the whole schema twice per revision (quadratic): about 20-40 s
// at 100 revisions here, many minutes at 500. It runs at the sizes listed (BENCH_PYTEST_SIZES=100,500 for both).
const PYTEST_SIZES = new Set((process.env.BENCH_PYTEST_SIZES ?? '100').split(',').map(Number));

interface Run { seconds: number; peakMb: number; ok: boolean; stdout: string; stderr: string }

/** Sum of the resident memory of `pid` and its node/python descendants (the database server left out). */
function treeRssKb(pid: number): number {
  const children = new Map<number, number[]>();
  const names = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      names.set(Number(entry), stat.slice(stat.indexOf('(') + 1, close));
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      continue; // gone between readdir and read
    }
  }
  let total = 0;
  const todo = [pid];
  while (todo.length) {
    const p = todo.pop()!;
    todo.push(...(children.get(p) ?? []));
    if (!/^(node|python|pytest|alembic)/.test(names.get(p) ?? '')) continue;
    try {
      total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      continue;
    }
  }
  return total;
}

function run(argv: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; okCodes?: number[] }): Promise<Run> {
  return new Promise((done) => {
    const started = process.hrtime.bigint();
    const child = spawn(argv[0]!, argv.slice(1), { cwd: opts.cwd, env: { ...process.env, ...opts.env } });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const sampler = setInterval(() => (peak = Math.max(peak, treeRssKb(child.pid!))), 50);
    child.on('close', (code) => {
      clearInterval(sampler);
      const ok = (opts.okCodes ?? [0]).includes(code ?? -1);
      if (!ok) process.stderr.write(`${argv.slice(0, 3).join(' ')} exited ${code}:\n${stdout.slice(-1500)}${stderr.slice(-2500)}\n`);
      done({ seconds: Number(process.hrtime.bigint() - started) / 1e9, peakMb: peak / 1024, ok, stdout, stderr });
    });
  });
}

async function sequence(runs: (() => Promise<Run>)[]): Promise<Run> {
  const out: Run = { seconds: 0, peakMb: 0, ok: true, stdout: '', stderr: '' };
  for (const r of runs) {
    const one = await r();
    out.seconds += one.seconds;
    out.peakMb = Math.max(out.peakMb, one.peakMb);
    out.ok &&= one.ok;
    out.stdout += one.stdout;
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const PYTEST_FILES = {
  // pytest-alembic expects every test to start on an empty database (its docs use one per test): a new
  // PostgreSQL database or SQLite file per test, as its users set it up, so that all its tests pass.
  'conftest.py': `import os
import uuid

import pytest
import sqlalchemy as sa


@pytest.fixture
def alembic_engine(tmp_path):
    url = sa.engine.make_url(os.environ["DATABASE_URL"])
    if url.get_backend_name() == "sqlite":
        yield sa.create_engine(url.set(database=str(tmp_path / "test.db")))
        return
    name = "pytest_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text("CREATE DATABASE " + name))
    engine = sa.create_engine(url.set(database=name))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as c:
            c.execute(sa.text("DROP DATABASE " + name))
        admin.dispose()
`,
  'test_migrations.py': `from pytest_alembic.tests import (  # noqa: F401
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)
from pytest_alembic.tests.experimental import test_downgrade_leaves_no_trace  # noqa: F401
`,
};

interface Row { label: string; ours: number[]; three: number[]; pytest: number[]; oursMb: number[]; pytestOk: boolean; phases: string; ok: boolean }

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'preflight-bench-'));
  const server = DIALECTS.includes('postgresql') ? await provisionPostgresLocal({ tcp: true }) : null;
  const admin = server ? new pg.Client({ connectionString: server.url }) : null;
  await admin?.connect();
  let n = 0;
  /** A database for one run: a new one on the bench's server, or a new SQLite file. */
  const freshUrl = async (dialect: string): Promise<string> => {
    const name = `bench_${n++}`;
    if (dialect === 'sqlite') return `sqlite:///${join(work, `${name}.db`)}`;
    await admin!.query(`CREATE DATABASE ${name}`);
    return withDriver(withDatabase(server!.url, name), 'psycopg2');
  };
  const ours = (dir: string, dialect: string, checks = 'graph,upgrade,roundtrip,stairway') =>
    run([process.execPath, cli, 'check', dir, '--database', dialect === 'sqlite' ? 'sqlite' : server!.url, '--python', python,
      '--checks', checks, '--format', 'json', '--color', 'never'], { cwd: root, okCodes: [0, 1] });
  const alembicCmd = (dir: string, url: string, ...args: string[]) => () => run([alembic, ...args], { cwd: dir, env: { DATABASE_URL: url } });
  const rows: Row[] = [];
  try {
    for (const dialect of DIALECTS) {
      for (const size of SIZES) {
        const { dir } = generateHistory(join(work, `${dialect}-${size}`), size, { dialect });
        for (const [name, text] of Object.entries(PYTEST_FILES)) writeFileSync(join(dir, name), text);
        const row: Row = { label: `${size} revisions, ${dialect}`, ours: [], three: [], pytest: [], oursMb: [], pytestOk: true, phases: '', ok: true };
        for (let round = 0; round < ROUNDS; round++) {
          const o = await ours(dir, dialect);
          const report = JSON.parse(o.stdout || '{}') as Report;
          const failed = report.checks?.filter((c) => c.status === 'failed').map((c) => c.id) ?? ['no report'];
          row.ok &&= o.ok && failed.length === 0;
          row.ours.push(o.seconds);
          row.oursMb.push(o.peakMb);
          row.phases = `${/walk: .*/.exec(o.stderr)?.[0] ?? ''}; checks: ${(report.checks ?? []).map((c) => `${c.id} ${(c.durationMs / 1000).toFixed(2)} s`).join(', ')}`;
          const url = await freshUrl(dialect);
          const three = await sequence([alembicCmd(dir, url, 'upgrade', 'head'), alembicCmd(dir, url, 'downgrade', 'base'), alembicCmd(dir, url, 'upgrade', 'head')]);
          row.ok &&= three.ok;
          row.three.push(three.seconds);
          if (PYTEST && PYTEST_SIZES.has(size)) {
            const p = await run([python, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'test_migrations.py'], { cwd: dir, env: { DATABASE_URL: await freshUrl(dialect) }, okCodes: [0, 1] });
            row.pytestOk &&= p.ok && !/failed/.test(p.stdout);
            row.pytest.push(p.seconds);
          }
          process.stderr.write(`${row.label} round ${round + 1}: ours ${o.seconds.toFixed(2)} s (${o.peakMb.toFixed(0)} MB), three ${three.seconds.toFixed(2)} s${row.pytest.length ? `, pytest-alembic ${row.pytest.at(-1)!.toFixed(2)} s` : ''}\n`);
        }
        rows.push(row);
      }
      // The seeded stairway (the data check, issue 12) vs the plain stairway, on the smallest history: ours with and
      // without `data`, alternating; the "three plain" column holds the run without.
      {
        const size = SIZES[0]!;
        const { dir } = generateHistory(join(work, `${dialect}-${size}-data`), size, { dialect });
        const row: Row = { label: `${size} revisions, seeded stairway, ${dialect} (vs the plain stairway)`, ours: [], three: [], pytest: [], oursMb: [], pytestOk: true, phases: '', ok: true };
        for (let round = 0; round < ROUNDS; round++) {
          const seeded = await ours(dir, dialect, 'graph,upgrade,stairway,data');
          const report = JSON.parse(seeded.stdout || '{}') as Report;
          row.ok &&= seeded.ok && (report.checks ?? []).some((c) => c.id === 'data' && c.status === 'passed');
          row.ours.push(seeded.seconds);
          row.oursMb.push(seeded.peakMb);
          row.phases = /walk: .*/.exec(seeded.stderr)?.[0] ?? row.phases;
          const plain = await ours(dir, dialect, 'graph,upgrade,stairway');
          row.ok &&= plain.ok;
          row.three.push(plain.seconds);
          process.stderr.write(`${row.label} round ${round + 1}: seeded ${seeded.seconds.toFixed(2)} s, plain stairway ${plain.seconds.toFixed(2)} s\n`);
        }
        rows.push(row);
      }
      // Five broken revisions: ours (the stairway goes on past each) vs one plain `upgrade head`.
      const size = SIZES[0]!;
      const { dir } = generateHistory(join(work, `${dialect}-${size}-broken`), size, { dialect, broken: 5 });
      const row: Row = { label: `${size} revisions, 5 broken, ${dialect} (vs one upgrade head)`, ours: [], three: [], pytest: [], oursMb: [], pytestOk: true, phases: '', ok: true };
      for (let round = 0; round < ROUNDS; round++) {
        const o = await ours(dir, dialect, 'graph,upgrade,stairway');
        const report = JSON.parse(o.stdout || '{}') as Report;
        const found = report.checks?.find((c) => c.id === 'stairway')?.findings.length ?? 0;
        row.ok &&= found >= 5;
        row.ours.push(o.seconds);
        row.oursMb.push(o.peakMb);
        row.phases = /walk: .*/.exec(o.stderr)?.[0] ?? row.phases;
        const up = await alembicCmd(dir, await freshUrl(dialect), 'upgrade', 'head')();
        row.three.push(up.seconds);
        process.stderr.write(`${row.label} round ${round + 1}: ours ${o.seconds.toFixed(2)} s (${found} stairway findings), upgrade head ${up.seconds.toFixed(2)} s\n`);
      }
      rows.push(row);
    }
  } finally {
    await admin?.end();
    await server?.dispose();
    rmSync(work, { recursive: true, force: true });
  }

  console.log(`\nalembic-preflight benchmark, ${new Date().toISOString()}: medians of ${ROUNDS} alternating run(s); ` +
    `PostgreSQL ${server?.serverVersion ?? 'n/a'} (a local cluster, reached by URL by every tool)`);
  console.log('\n| history | ours s | three plain s | ratio | pytest-alembic s | ratio ours/pytest | peak MB (node+python) | ok |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of rows) {
    const ratio = median(r.ours.map((o, i) => o / r.three[i]!));
    const pt = r.pytest.length ? median(r.pytest).toFixed(2) + (r.pytestOk ? '' : ' (tests failed)') : '–';
    const ptRatio = r.pytest.length ? median(r.ours.map((o, i) => o / r.pytest[i]!)).toFixed(2) + 'x' : '–';
    console.log(`| ${r.label} | ${median(r.ours).toFixed(2)} | ${median(r.three).toFixed(2)} | ${ratio.toFixed(2)}x | ${pt} | ${ptRatio} | ${Math.max(...r.oursMb).toFixed(0)} | ${r.ok ? 'yes' : 'NO'} |`);
  }
  for (const dialect of DIALECTS) {
    const [small, large] = SIZES.map((s) => rows.find((r) => r.label === `${s} revisions, ${dialect}`));
    if (small && large) console.log(`growth ${SIZES[0]}→${SIZES[1]} revisions, ${dialect}: ours ${(median(large.ours) / median(small.ours)).toFixed(2)}x, three plain ${(median(large.three) / median(small.three)).toFixed(2)}x (target <= 6x)`);
  }
  console.log('\ntime per phase (our walk, last run of each history):');
  for (const r of rows) console.log(`  ${r.label}: ${r.phases}`);
  if (rows.some((r) => !r.ok)) {
    console.log('\nSOME RUNS FAILED OR FOUND PROBLEMS (see above): the figures are not comparable.');
    process.exitCode = 1;
  }
}

await main();
