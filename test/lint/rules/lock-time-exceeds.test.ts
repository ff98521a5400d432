// lock-time-exceeds and the estimates beside the lint findings (checks/lock-time.ts), with the driver's
// measurement given as data: which findings get an estimate, how it scales, the threshold, ignores, severity.
// The measurement itself runs on real PostgreSQL in test/cli/lock-time.test.ts.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { estimateLockTimes, showRows, showSeconds } from '../../../src/checks/lock-time.ts';
import type { WalkResult } from '../../../src/checks/walk.ts';
import type { Config } from '../../../src/config.ts';
import type { ThrowawayDatabase } from '../../../src/database/provider.ts';
import type { Driver } from '../../../src/driver/client.ts';
import type { ExecutedStatement, LockCostParams } from '../../../src/driver/protocol.ts';
import type { CheckResult, Finding } from '../../../src/report/model.ts';

const FILE = 'migrations/versions/b2_age.py';
const ALTER = 'ALTER TABLE users ALTER COLUMN age TYPE BIGINT';
const ADD = 'ALTER TABLE users ADD COLUMN nickname TEXT';
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function projectDir(migration = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-lock-rule-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'migrations', 'versions'), { recursive: true });
  writeFileSync(join(dir, FILE), migration);
  return dir;
}

const statements: ExecutedStatement[] = [
  { sql: "SET LOCAL lock_timeout = '3s'", file: FILE, line: 22, call: 'op.execute', durationMs: 0, facts: { locks: [], rewritten: [], lockTimeout: '0', statementTimeout: '0', inTransaction: true } },
  { sql: ALTER, file: FILE, line: 23, call: 'op.alter_column', durationMs: 1,
    facts: { locks: [{ relation: 'public.users', mode: 'AccessExclusiveLock', kind: 'table' }], rewritten: ['public.users'], lockTimeout: '3s', statementTimeout: '0', inTransaction: true } },
  { sql: ADD, file: FILE, line: 24, call: 'op.add_column', durationMs: 1,
    facts: { locks: [{ relation: 'public.users', mode: 'AccessExclusiveLock', kind: 'table' }], rewritten: [], lockTimeout: '3s', statementTimeout: '0', inTransaction: true } },
];

function finding(code: string, sql: string, line: number, severity: Finding['severity'] = 'warning'): Finding {
  return { code, severity, message: code, revision: 'b2', file: FILE, line, sql, evidence: { source: 'executed' } };
}

async function run(opts: { sizes?: Record<string, number>; max?: number; usPerRow?: number; error?: string; dir?: string; rules?: Config['lint']['rules']; dialect?: 'postgresql' | 'sqlite'; upgradeFails?: boolean; statements?: ExecutedStatement[]; findings?: Finding[] }) {
  const lint: CheckResult = { id: 'lint', status: 'passed', durationMs: 0, findings: opts.findings ?? [
    finding('column-type-change', ALTER, 23),
    finding('missing-lock-timeout', ALTER, 23),
    finding('column-type-change', ADD, 24, 'notice'),
  ] };
  const calls: { method: string; params: unknown }[] = [];
  const driver = {
    call: async (method: string, params: LockCostParams) => {
      calls.push({ method, params });
      if (method === 'upgrade' && opts.upgradeFails) throw new Error('relation "users" already exists\nCONTEXT: ...');
      if (method === 'upgrade') return { steps: [], current: ['a1'], versionTable: { name: 'alembic_version', schema: null } };
      return { results: params.items.map((i) => (opts.error ? { id: i.id, table: i.table, error: opts.error } : { id: i.id, table: i.table, rows: 40000, emptyMs: 1, fullMs: 81, usPerRow: opts.usPerRow ?? 2 })) };
    },
  } as unknown as Driver;
  let resets = 0;
  const db = { dialect: opts.dialect ?? 'postgresql', reset: async () => void resets++ } as unknown as ThrowawayDatabase;
  const walk = { revisions: [{ revision: 'b2', upgrade: { revision: 'b2', direction: 'up', durationMs: 1, statements: opts.statements ?? statements } }] } as unknown as WalkResult;
  const config = {
    projectDir: opts.dir ?? projectDir(),
    lint: { rules: opts.rules ?? {} },
    lockTime: { tableSizes: opts.sizes ?? {}, reportSizes: [], maxLockSeconds: opts.max },
  } as unknown as Config;
  const graph = { order: ['a1', 'b2'], byId: new Map([['b2', { downRevisions: ['a1'] }]]) } as never;
  await estimateLockTimes({ config, db, driver, graph, walk, lint, log: () => {} });
  return { lint, calls, resets };
}

const lockTimeOf = (f: Finding | undefined) => f?.evidence?.lockTime as { estimatedSeconds: number; productionRows: number } | undefined;

test('the estimate is per-row cost x production rows: 50M is exactly 10x 5M; only the strongly locking, non-notice finding gets it', async () => {
  const at5M = await run({ sizes: { users: 5_000_000 } });
  const at50M = await run({ sizes: { 'public.users': 50_000_000 } });
  const e5 = lockTimeOf(at5M.lint.findings[0])!;
  const e50 = lockTimeOf(at50M.lint.findings[0])!;
  assert.equal(e5.estimatedSeconds, 10);
  assert.equal(e50.estimatedSeconds, 100);
  assert.equal(e50.estimatedSeconds / e5.estimatedSeconds, 10);
  assert.deepEqual(at50M.lint.findings[0]!.details, ['Lock time: measured 2 µs/row on 40,000 rows; users at 50M rows ≈ 100 s under ACCESS EXCLUSIVE (size from table-sizes).']);
  // missing-lock-timeout is not a lock-time rule; the ADD COLUMN's notice (no rewrite) gets nothing.
  assert.equal(lockTimeOf(at50M.lint.findings[1]), undefined);
  assert.equal(lockTimeOf(at50M.lint.findings[2]), undefined);
  // Measured once, on the database brought to the revision before, with the statements before it.
  const measured = at50M.calls.filter((c) => c.method === 'lock-cost');
  assert.equal(measured.length, 1);
  assert.deepEqual((measured[0]!.params as LockCostParams).items.map((i) => [i.table, i.sql, i.before]), [['public.users', ALTER, ["SET LOCAL lock_timeout = '3s'"]]]);
  assert.deepEqual(at50M.calls.filter((c) => c.method === 'upgrade').map((c) => (c.params as { target: string }).target), ['a1']);
  assert.equal(at50M.resets, 1);
});

test('above max-lock-seconds: a lock-time-exceeds error after the finding, and the lint check fails', async () => {
  const { lint } = await run({ sizes: { users: 50_000_000 }, max: 5 });
  assert.equal(lint.status, 'failed');
  const exceeds = lint.findings.filter((f) => f.code === 'lock-time-exceeds');
  assert.equal(exceeds.length, 1);
  assert.equal(lint.findings.indexOf(exceeds[0]!), 2, 'right after the last finding on that statement');
  assert.equal(exceeds[0]!.severity, 'error');
  assert.equal(exceeds[0]!.line, 23);
  assert.match(exceeds[0]!.message, /holds ACCESS EXCLUSIVE on users for about 100 s at 50M rows, above max-lock-seconds = 5/);
  // Below the threshold: nothing.
  const below = await run({ sizes: { users: 50_000_000 }, max: 101 });
  assert.equal(below.lint.findings.some((f) => f.code === 'lock-time-exceeds'), false);
  assert.equal(below.lint.status, 'passed');
});

test('severity from [lint.rules]; an ignore directive with a reason silences it', async () => {
  const warn = await run({ sizes: { users: 50_000_000 }, max: 5, rules: { 'lock-time-exceeds': 'warning' } });
  assert.equal(warn.lint.findings.find((f) => f.code === 'lock-time-exceeds')?.severity, 'warning');
  assert.equal(warn.lint.status, 'passed');
  const off = await run({ sizes: { users: 50_000_000 }, max: 5, rules: { 'lock-time-exceeds': 'off' } });
  assert.equal(off.lint.findings.some((f) => f.code === 'lock-time-exceeds'), false);
  const lines = Array.from({ length: 24 }, () => '');
  lines[21] = '    # preflight: ignore[lock-time-exceeds] run in the maintenance window';
  lines[22] = "    op.alter_column('users', 'age', type_=sa.BigInteger())";
  const ignored = await run({ sizes: { users: 50_000_000 }, max: 5, dir: projectDir(lines.join('\n')) });
  assert.equal(ignored.lint.findings.some((f) => f.code === 'lock-time-exceeds'), false);
  assert.ok(lockTimeOf(ignored.lint.findings[0]), 'the estimate itself stays');
});

test('nothing measured without a size for the table, or on SQLite; a failed measurement says why', async () => {
  const cases: { sizes: Record<string, number>; dialect?: 'sqlite' }[] = [{ sizes: { orders: 1000 } }, { sizes: {} }, { sizes: { users: 1000 }, dialect: 'sqlite' }];
  for (const opts of cases) {
    const r = await run({ ...opts, max: 1 });
    assert.deepEqual(r.calls, [], JSON.stringify(opts));
    assert.equal(r.resets, 0);
    assert.ok(r.lint.findings.every((f) => !f.evidence?.lockTime && !f.details));
  }
  const failed = await run({ sizes: { users: 1000 }, max: 1, error: 'could generate only 0 rows for public.users' });
  assert.deepEqual(failed.lint.findings[0]!.details, ['Lock time at 1,000 rows of users: not estimated (could generate only 0 rows for public.users).']);
  assert.equal(failed.lint.findings.some((f) => f.code === 'lock-time-exceeds'), false);
  const unreachable = await run({ sizes: { users: 1000 }, max: 1, upgradeFails: true });
  assert.deepEqual(unreachable.calls.map((c) => c.method), ['upgrade']);
  assert.deepEqual(unreachable.lint.findings[0]!.details, ['Lock time at 1,000 rows of users: not estimated (the database could not be brought to the revision before b2: relation "users" already exists).']);
});

test('numbers as shown', () => {
  assert.equal(showRows(50_000_000), '50M');
  assert.equal(showRows(1_250_000_000), '1.25B');
  assert.equal(showRows(10_000), '10,000');
  assert.equal(showSeconds(0.04), '0.04 s');
  assert.equal(showSeconds(40.2), '40 s');
  assert.equal(showSeconds(55.1), '60 s');
  assert.equal(showSeconds(720), '12 min');
  assert.equal(showSeconds(11_520), '3.2 h');
});

test('lint itself leaves ignore[lock-time-exceeds] alone (emitted after lint, which applies it): no unused-ignore', async () => {
  const { lintMigrations } = await import('../../../src/lint/engine.ts');
  const { loadSqlParser } = await import('../../../src/lint/parse.ts');
  await loadSqlParser();
  const lines = ['def upgrade():', '    # preflight: ignore[lock-time-exceeds] run in the maintenance window', "    op.execute('SELECT 1')"];
  const dir = projectDir(lines.join('\n'));
  const lintOnce = (rule: string) => lintMigrations({
    projectDir: dir, dialect: 'postgresql', serverVersionNum: 150000, config: { rules: {} },
    revisions: [{ revision: 'b2', file: FILE, executed: [{ sql: 'SELECT 1', file: FILE, line: 3, call: 'op.execute', durationMs: 0 }], offline: null, downgrade: 'ok', downgradeLine: null }],
  }).findings.filter((f) => f.code === 'unused-ignore' && f.message.includes(rule));
  assert.deepEqual(lintOnce('lock-time-exceeds'), []);
  // ... while an ignore of a rule lint runs, matching nothing, is still reported.
  writeFileSync(join(dir, FILE), lines.join('\n').replace('lock-time-exceeds', 'drop-table'));
  assert.equal(lintOnce('drop-table').length, 1);
});

test('access-exclusive-held: the later statement is measured on the table held ACCESS EXCLUSIVE, not on others it writes', async () => {
  const facts = (locks: { relation: string; mode: string }[]) => ({ locks: locks.map((l) => ({ ...l, kind: 'table' })), rewritten: [], lockTimeout: '3s', statementTimeout: '0', inTransaction: true });
  const held: ExecutedStatement[] = [
    { sql: ADD, file: FILE, line: 22, call: 'op.add_column', durationMs: 1, facts: facts([{ relation: 'public.users', mode: 'AccessExclusiveLock' }]) },
    { sql: "UPDATE users SET nickname = 'x'", file: FILE, line: 23, call: 'op.execute', durationMs: 1, facts: facts([{ relation: 'public.users', mode: 'RowExclusiveLock' }]) },
    { sql: "UPDATE orders SET note = 'x'", file: FILE, line: 24, call: 'op.execute', durationMs: 1, facts: facts([{ relation: 'public.orders', mode: 'RowExclusiveLock' }, { relation: 'public.users', mode: 'AccessShareLock' }]) },
  ];
  const r = await run({
    sizes: { users: 1_000_000, orders: 1_000_000 },
    statements: held,
    findings: [finding('access-exclusive-held', held[1]!.sql, 23), finding('access-exclusive-held', held[2]!.sql, 24)],
  });
  const items = r.calls.filter((c) => c.method === 'lock-cost').flatMap((c) => (c.params as LockCostParams).items);
  assert.deepEqual(items.map((i) => [i.table, i.sql, i.before.length]), [['public.users', held[1]!.sql, 1]]);
  assert.match(r.lint.findings[0]!.details![0]!, /users at 1M rows ≈ 2 s under ACCESS EXCLUSIVE/);
  assert.equal(r.lint.findings[1]!.details, undefined, 'orders is written, not held: no estimate');
});
