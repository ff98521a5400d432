// Lock time at production sizes (PostgreSQL): for the lint findings whose statement rewrites or scans a table under
// a strong lock, the per-row cost is measured on the throwaway database (the driver's `lock-cost`: the table filled
// with generated rows, the statement timed, rolled back) and multiplied by the table's production size (pyproject's
// table-sizes, or the statistics a nightly drift run stored in its report). The estimate goes into the finding's
// details and evidence; above max-lock-seconds it is a `lock-time-exceeds` finding of its own.
// Only tables with a known size are measured: without sizes nothing runs, and the run costs what it did.

import { hasTableSizes, tableSize, type LockTimeConfig } from '../config-sizes.ts';
import type { Config } from '../config.ts';
import type { ThrowawayDatabase } from '../database/provider.ts';
import type { Driver } from '../driver/client.ts';
import type { ExecutedStatement, LockCostMeasure } from '../driver/protocol.ts';
import { severityFor } from '../lint/engine.ts';
import { blocksWrites, lockRank, showLockMode } from '../lint/locks.ts';
import { ruleById } from '../lint/rules/index.ts';
import type { CheckResult, Finding } from '../report/model.ts';
import { DirectiveCache } from './finding-ignores.ts';
import { directiveCovers } from '../lint/ignores.ts';
import type { GraphAnalysis } from './graph.ts';
import type { WalkResult } from './walk.ts';

/** Lint rules whose statement holds a strong lock while it rewrites or scans a table. */
export const LOCK_TIME_CODES = new Set([
  'table-rewrite', 'add-column-rewrite', 'column-type-change', 'set-not-null', 'constraint-without-not-valid',
  'create-index-not-concurrently', 'unique-without-using-index', 'access-exclusive-held', 'add-required-column',
  'validate-in-same-transaction',
]);

const TABLE_KINDS = new Set(['table', 'partitioned-table', undefined]);

export interface LockEstimate {
  method: 'measured';
  table: string;
  lockMode: string;
  usPerRow: number;
  measuredRows: number;
  productionRows: number;
  sizeSource: string;
  estimatedSeconds: number;
}

interface Target {
  id: string;
  revision: string;
  index: number;
  statement: ExecutedStatement;
  table: string;
  schema: string;
  name: string;
  mode: string;
  rows: number;
  sizeSource: string;
  findings: Finding[];
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

/** `50M`, `1.2B`, `10,000`. */
export function showRows(n: number): string {
  const short = (v: number, unit: string) => `${Number(v.toPrecision(3))}${unit}`;
  if (n >= 1e9) return short(n / 1e9, 'B');
  if (n >= 1e6) return short(n / 1e6, 'M');
  return n.toLocaleString('en-US');
}

/** `0.04 s`, `40 s`, `12 min`, `3.2 h`: one significant digit under two minutes, two above. The run's own
 * measurement varies between runs: coarse figures keep the PR comment unchanged when nothing else is. */
export function showSeconds(s: number): string {
  if (s < 120) return `${Number(s.toPrecision(1))} s`;
  if (s < 7200) return `${Number((s / 60).toPrecision(2))} min`;
  return `${Number((s / 3600).toPrecision(2))} h`;
}

function showPerRow(us: number): string {
  return `${Number(us.toPrecision(1))} µs/row`;
}

/** `users` for public.users, else schema-qualified. */
export function shownTable(table: string): string {
  return table.startsWith('public.') ? table.slice('public.'.length) : table;
}

export function describeEstimate(e: LockEstimate): string {
  return `measured ${showPerRow(e.usPerRow)} on ${showRows(e.measuredRows)} rows; ${shownTable(e.table)} at ${showRows(e.productionRows)} rows ≈ `
    + `${showSeconds(e.estimatedSeconds)} under ${showLockMode(e.lockMode)} (size from ${e.sizeSource})`;
}

/** The tables a flagged statement holds a strong lock on, with the strongest mode on each. */
function lockedTables(f: Finding, stmt: ExecutedStatement, earlier: ExecutedStatement[]): { relation: string; mode: string }[] {
  const held = f.code === 'access-exclusive-held';
  // access-exclusive-held: the tables an earlier statement of the transaction holds ACCESS EXCLUSIVE on.
  const exclusive = new Set(earlier.flatMap((s) => (s.facts?.locks ?? []).filter((l) => l.mode === 'AccessExclusiveLock').map((l) => l.relation)));
  const out = new Map<string, string>();
  for (const l of stmt.facts?.locks ?? []) {
    if (!TABLE_KINDS.has(l.kind) || (held && !exclusive.has(l.relation))) continue;
    // access-exclusive-held points at the work done while the lock is held: its tables' own lock may be weaker
    // (an UPDATE's ROW EXCLUSIVE), but a table it only reads is not what it spends its time on.
    if (held ? lockRank(l.mode) < lockRank('RowExclusiveLock') : !blocksWrites(l.mode)) continue;
    const mode = held ? 'AccessExclusiveLock' : l.mode;
    const before = out.get(l.relation);
    if (!before || lockRank(mode) > lockRank(before)) out.set(l.relation, mode);
  }
  return [...out].map(([relation, mode]) => ({ relation, mode }));
}

function targetsOf(lint: CheckResult, walk: WalkResult, lockTime: LockTimeConfig): Map<string, Target> {
  const targets = new Map<string, Target>();
  for (const f of lint.findings) {
    if (!LOCK_TIME_CODES.has(f.code) || f.severity === 'notice' || !f.revision || !f.sql) continue;
    const statements = walk.revisions.find((r) => r.revision === f.revision)?.upgrade?.statements ?? [];
    const sql = f.sql.replace(/\n-- \(truncated\)$/, '');
    const index = statements.findIndex((s) => s.sql === sql || (sql.length >= 10_000 && s.sql.startsWith(sql)));
    if (index === -1) continue;
    const statement = statements[index]!;
    for (const { relation, mode } of lockedTables(f, statement, statements.slice(0, index))) {
      const dot = relation.indexOf('.');
      const schema = dot === -1 ? 'public' : relation.slice(0, dot);
      const name = dot === -1 ? relation : relation.slice(dot + 1);
      const size = tableSize(lockTime, schema, name);
      if (!size) continue;
      const id = `${f.revision}#${index}#${relation}`;
      const t = targets.get(id);
      if (t) {
        t.findings.push(f);
        if (lockRank(mode) > lockRank(t.mode)) t.mode = mode;
      } else {
        targets.set(id, { id, revision: f.revision, index, statement, table: relation, schema, name, mode,
          rows: size.rows, sizeSource: size.source, findings: [f] });
      }
    }
  }
  return targets;
}

export async function estimateLockTimes(input: {
  config: Config;
  db: ThrowawayDatabase;
  driver: Driver;
  graph: GraphAnalysis;
  walk: WalkResult;
  lint: CheckResult;
  log: (line: string) => void;
}): Promise<void> {
  const { config, db, driver, graph, walk, lint, log } = input;
  const lockTime = config.lockTime;
  // SQLite locks the whole database file for any write: there is no per-table lock to estimate (documented).
  if (db.dialect !== 'postgresql' || !lockTime || !hasTableSizes(lockTime)) return;
  const targets = targetsOf(lint, walk, lockTime);
  if (targets.size === 0) return;
  const started = Date.now();
  const order = graph.order ?? [];
  const byRevision = new Map<string, Target[]>();
  for (const t of targets.values()) byRevision.set(t.revision, [...(byRevision.get(t.revision) ?? []), t]);
  const revisions = [...byRevision.keys()].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  log(`lock time: measuring ${targets.size} statement${targets.size === 1 ? '' : 's'} on generated rows`);

  // From an empty database up to each revision's parents, in order; every measurement is rolled back.
  await db.reset();
  const measured = new Map<string, LockCostMeasure>();
  for (const revision of revisions) {
    const mine = byRevision.get(revision)!;
    const failed = (why: string) => mine.forEach((t) => measured.set(t.id, { id: t.id, table: t.table, error: why }));
    try {
      for (const parent of graph.byId.get(revision)?.downRevisions ?? []) {
        await driver.call('upgrade', { target: parent, trace: false, facts: false });
      }
    } catch (error) {
      failed(`the database could not be brought to the revision before ${revision}: ${firstLine(error)}`);
      continue;
    }
    try {
      const statements = walk.revisions.find((r) => r.revision === revision)!.upgrade!.statements;
      const { results } = await driver.call('lock-cost', {
        items: mine.map((t) => ({
          id: t.id,
          table: t.table,
          sql: t.statement.sql,
          before: statements.slice(0, t.index).map((s) => s.sql).filter((s) => !/alembic_version/i.test(s)),
        })),
      });
      for (const r of results) measured.set(r.id, r);
    } catch (error) {
      failed(`the measurement failed: ${firstLine(error)}`);
    }
  }

  const directives = new DirectiveCache(config.projectDir);
  const rule = ruleById.get('lock-time-exceeds')!;
  const severity = severityFor(rule, config.lint);
  const added: { after: Finding; finding: Finding }[] = [];
  for (const t of targets.values()) {
    const m = measured.get(t.id);
    const estimate: LockEstimate | undefined = m?.usPerRow === undefined ? undefined : {
      method: 'measured', table: t.table, lockMode: t.mode, usPerRow: m.usPerRow, measuredRows: m.rows!,
      productionRows: t.rows, sizeSource: t.sizeSource, estimatedSeconds: (m.usPerRow * t.rows) / 1e6,
    };
    for (const f of t.findings) {
      f.details ??= [];
      if (!estimate) {
        f.details.push(`Lock time at ${showRows(t.rows)} rows of ${shownTable(t.table)}: not estimated (${m?.error ?? 'not measured'}).`);
        f.evidence = { ...f.evidence, lockTime: { table: t.table, productionRows: t.rows, error: m?.error ?? 'not measured' } };
        continue;
      }
      f.details.push(`Lock time: ${describeEstimate(estimate)}.`);
      f.evidence = { ...f.evidence, lockTime: estimate };
    }
    const max = lockTime.maxLockSeconds;
    if (!estimate || max === undefined || severity === 'off') continue;
    const seconds = estimate.estimatedSeconds;
    if (seconds <= max) continue;
    const f = t.findings[0]!;
    const covered = f.file && directives.of(f.file).some((d) => d.reason && directiveCovers(d, rule.id, f.file!, f.line));
    if (covered) continue;
    added.push({
      after: f,
      finding: {
        code: rule.id,
        severity,
        message: `This statement holds ${showLockMode(t.mode)} on ${shownTable(t.table)} for about ${showSeconds(seconds)} at ${showRows(t.rows)} rows, above max-lock-seconds = ${max}: every ${t.mode === 'AccessExclusiveLock' ? 'read and write' : 'write'} on ${shownTable(t.table)} waits that long.`,
        revision: f.revision,
        file: f.file,
        ...(f.line !== undefined ? { line: f.line } : {}),
        sql: f.sql,
        hint: rule.hint,
        details: [`Estimate: ${describeEstimate(estimate)}.`],
        evidence: { lockTime: { ...estimate, maxLockSeconds: max } },
      },
    });
  }
  for (const { after, finding } of added) {
    // Right after the last finding on the same statement (findings are in file order).
    const same = (f: Finding) => f.revision === after.revision && f.line === after.line && f.sql === after.sql;
    const last = lint.findings.reduce((at, f, i) => (same(f) ? i : at), lint.findings.indexOf(after));
    lint.findings.splice(last + 1, 0, finding);
  }
  if (lint.findings.some((f) => f.severity === 'error')) lint.status = 'failed';
  lint.durationMs += Date.now() - started;
  log(`lock time: ${[...measured.values()].filter((m) => m.usPerRow !== undefined).length} of ${targets.size} measured in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
