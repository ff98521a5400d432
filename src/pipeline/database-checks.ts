// The checks that need the throwaway database, in the order that makes each one cheap: one walk gives upgrade and
// stairway; drift runs while the database is at head; then the round trip; then offline SQL and lint.

import { join, relative, resolve } from 'node:path';
import type { ThrowawayDatabase } from '../database/provider.ts';
import type { InspectResult } from '../driver/protocol.ts';
import { UserError } from '../errors.ts';
import { diffSnapshots } from '../schema/diff.ts';
import { dataResult } from '../checks/data.ts';
import { resolveDataRevisions } from '../config-data.ts';
import { driftResult } from '../checks/drift.ts';
import { lintCheck } from '../checks/lint.ts';
import { estimateLockTimes } from '../checks/lock-time.ts';
import { modelsRegisteredResult } from '../checks/models-registered.ts';
import { collectOfflineSql } from '../checks/offline-sql.ts';
import { roundtripFloor, runRoundtrip } from '../checks/roundtrip.ts';
import { stairwayResult, withoutStairwayCauses } from '../checks/stairway.ts';
import { applyFindingIgnores, DirectiveCache } from '../checks/finding-ignores.ts';
import type { Finding } from '../report/model.ts';
import { upgradeResult } from '../checks/upgrade.ts';
import { walkMigrations } from '../checks/walk.ts';
import { guardCheck, type PipelineRun } from './run.ts';

export async function runDatabaseChecks(
  run: PipelineRun,
  db: ThrowawayDatabase,
  info: InspectResult,
  belowFloor: Set<string>,
): Promise<void> {
  const { config, report, driver, graph, log, wants, skip } = run;
  const order = graph.order!;
  const newRevisions = new Set(report.newRevisions);
  // The data check is the stairway on rows: it walks down and up again too (its verdicts reported only when asked).
  const stairway = !wants('stairway') && !wants('data')
    ? new Set<string>()
    : new Set(config.stairwayScope === 'new' && config.pr ? order.filter((id) => newRevisions.has(id)) : order);
  // The base branch's schema is the one after its last revision: the walk applies the base branch's first.
  const lastOld = [...order].reverse().find((id) => !newRevisions.has(id));
  const floor = roundtripFloor(order, graph.byId, config.minDowngradeRevision);

  // Snapshots only for what compares them: `--checks lint` or `--checks drift` walk without any.
  const snapshots = stairway.size > 0 || wants('roundtrip') || config.mode === 'pr';
  // [tool.alembic-preflight.data]: its revision ids checked against the graph; the driver told what to run.
  const hand = config.data ? resolveDataRevisions(config.data, order) : undefined;
  if (hand && wants('data')) await driver.call('data-hand', { generate: hand.generate, order, revisions: hand.revisions });
  const walkStarted = Date.now();
  const walk = await walkMigrations(driver, db, {
    order,
    byId: graph.byId,
    stairway,
    belowFloor,
    facts: wants('lint') && db.dialect === 'postgresql',
    keepSnapshots: snapshots ? [lastOld, floor].filter((id): id is string => id !== undefined) : [],
    snapshots,
    data: wants('data'),
    progress: (line) => log(line),
  });
  const walkMs = Date.now() - walkStarted;
  if (wants('upgrade')) report.checks.push(upgradeResult(walk, graph.byId, walkMs));
  const directives = new DirectiveCache(config.projectDir);
  const downgradeLine = (f: Finding) => [f.revision ? graph.byId.get(f.revision)?.downgradeLine ?? undefined : undefined];
  const stairwayChecked = wants('stairway') ? stairwayResult(walk, graph.byId, walkMs) : null;
  if (stairwayChecked) report.checks.push(applyFindingIgnores(stairwayChecked, directives, downgradeLine));
  if (wants('data')) report.checks.push(applyFindingIgnores(dataResult(walk, graph.byId, walkMs, hand), directives, downgradeLine));
  // env.py reaching for another database, or not loading at all, is a broken project, not a failed check.
  const broken = walk.revisions.find((r) => r.upgradeError && ['refused', 'config'].includes(r.upgradeError.kind))?.upgradeError;
  if (broken) throw new UserError(broken.message, { file: broken.file, line: broken.line, revision: broken.revision }, broken.traceback);
  // Drift runs while the database is at head, before the round trip moves it.
  if (wants('drift') || wants('models-registered')) {
    if (!walk.completed) {
      skip('drift', 'the upgrade to head failed');
      skip('models-registered', 'the upgrade to head failed');
    } else {
      log('drift: models vs the migrated database');
      const envFile = relative(config.projectDir, join(resolve(config.projectDir, info.scriptLocation), 'env.py'));
      await guardCheck(run, wants('drift') ? 'drift' : 'models-registered', async () => {
        const started = Date.now();
        const drift = await driver.call('drift', { registration: wants('models-registered'), modelPackages: config.drift.modelPackages });
        const ms = Date.now() - started;
        if (wants('drift')) report.checks.push(driftResult(drift, envFile, ms, db.dialect));
        if (wants('models-registered')) report.checks.push(modelsRegisteredResult(drift.registration, envFile, ms));
      });
      // One driver call serves both: when env.py fails in it, models-registered could not finish either.
      const failed = report.checks.find((c) => c.id === 'drift' && c.status === 'error');
      if (failed && wants('models-registered') && !report.checks.some((c) => c.id === 'models-registered')) {
        report.checks.push({ ...failed, id: 'models-registered', findings: failed.findings.map((f) => ({ ...f, code: f.code.replace(/^drift\//, 'models-registered/') })) });
      }
    }
  }
  if (wants('roundtrip')) {
    log('round trip: head → base → head');
    await guardCheck(run, 'roundtrip', async () => {
      const roundtrip = await runRoundtrip(driver, db, walk, { order, byId: graph.byId, floor: config.minDowngradeRevision, heads: graph.heads });
      // What the stairway already pinned on a revision (reported or ignored there) is not reported twice.
      report.checks.push(withoutStairwayCauses(roundtrip, stairwayChecked));
    });
  }
  const base = (lastOld && walk.snapshots.get(lastOld)) || walk.initial;
  if (walk.head && base && config.mode === 'pr') {
    report.schemaDiff = diffSnapshots(base, walk.head);
  }

  // Offline SQL is for lint and the PR comment; a plain full check without lint does not pay for it.
  const offline = wants('lint') || config.mode === 'pr' ? await collectOfflineSql(driver, graph, report.revisions, log) : [];
  report.migrations = offline;

  if (wants('lint')) {
    const lint = await lintCheck({ config, db, graph, walk, offline, newRevisions: config.pr ? newRevisions : null });
    report.checks.push(lint);
    // Lock time at production sizes: measured on this database (it leaves head; nothing after lint needs it there).
    await estimateLockTimes({ config, db, driver, graph, walk, lint, log });
  }
}

/** The revisions at or below --min-downgrade-revision, which are never downgraded. */
export function floorRevisions(config: PipelineRun['config'], graph: PipelineRun['graph']): Set<string> {
  if (!config.minDowngradeRevision) return new Set();
  const order = graph.order!;
  const i = order.indexOf(config.minDowngradeRevision);
  if (i === -1) {
    throw new UserError(`min-downgrade-revision "${config.minDowngradeRevision}" is not a revision of this project`, { input: 'min-downgrade-revision' });
  }
  return new Set(order.slice(0, i + 1));
}

