// runPipeline(config): the one run both entry points share. Starts the driver, checks the graph, provisions the
// throwaway database, walks the migrations, runs the checks, and always cleans up. Returns the report; never exits.

import { relative } from 'node:path';
import { analyseGraph, type GraphAnalysis } from './checks/graph.ts';
import { runRoundtrip } from './checks/roundtrip.ts';
import { stairwayResult } from './checks/stairway.ts';
import { upgradeResult } from './checks/upgrade.ts';
import { walkMigrations, type WalkResult } from './checks/walk.ts';
import { prMigrationsResult } from './checks/pr-migrations.ts';
import { lintCheck } from './checks/lint.ts';
import { collectOfflineSql } from './checks/offline-sql.ts';
import type { Config } from './config.ts';
import { registerDisposable } from './database/cleanup.ts';
import type { ThrowawayDatabase } from './database/provider.ts';
import { provisionDatabase } from './database/select.ts';
import { withDriver } from './database/url.ts';
import { Driver } from './driver/client.ts';
import type { InspectResult } from './driver/protocol.ts';
import { UserError } from './errors.ts';
import { countFindings, REPORT_VERSION, type CheckId, type CheckResult, type Report } from './report/model.ts';
import { diffSnapshots } from './schema/diff.ts';
import type { SchemaSnapshot } from './schema/snapshot.ts';
import { TOOL_VERSION } from './version.ts';

export interface PipelineHooks {
  /** Progress and the driver's relayed output, one line at a time. */
  log?: (line: string) => void;
}

export async function runPipeline(config: Config, hooks: PipelineHooks = {}): Promise<Report> {
  const log = hooks.log ?? (() => {});
  const started = Date.now();
  const report: Report = {
    version: REPORT_VERSION,
    tool: { name: 'alembic-preflight', version: TOOL_VERSION },
    mode: config.mode,
    projectDir: relative(config.cwd, config.projectDir) || '.',
    status: 'passed',
    startedAt: new Date(started).toISOString(),
    durationMs: 0,
    environment: {},
    checks: [],
    revisions: [],
    newRevisions: [],
    migrations: [],
    schemaDiff: [],
    counts: { error: 0, warning: 0, notice: 0 },
  };
  const wants = (id: CheckId) => config.checks.includes(id);
  const skip = (id: CheckId, reason: string) => {
    if (wants(id)) report.checks.push({ id, status: 'skipped', reason, durationMs: 0, findings: [] });
  };

  const disposables: { dispose(): Promise<void> }[] = [];
  try {
    const driver = await Driver.start({ python: config.python, cwd: config.projectDir, onLog: (l) => log(`  | ${l}`) });
    disposables.push({ dispose: () => driver.close() });
    const unregisterDriver = registerDisposable({ dispose: () => driver.close() });

    const info: InspectResult = await driver.call('inspect', {
      projectDir: config.projectDir,
      configFile: config.configFile,
      section: config.section,
    });
    report.environment.python = info.python;
    report.environment.alembic = info.alembic;
    report.environment.sqlalchemy = info.sqlalchemy;

    const newFiles = new Set(config.pr?.newFiles ?? []);
    const graph = analyseGraph(await driver.call('graph', {}), (file) => newFiles.has(file));
    report.checks.push(graph.result);
    report.revisions = graph.revisions;
    report.newRevisions = graph.revisions.filter((r) => newFiles.has(r.file)).map((r) => r.revision);
    if (config.pr && wants('pr-migrations')) report.checks.push(prMigrationsResult(config.pr, graph));

    const dbChecks: CheckId[] = ['upgrade', 'roundtrip', 'stairway', 'drift', 'models-registered', 'lint'];
    if (!graph.order) {
      for (const id of dbChecks) skip(id, 'the revision graph is broken (see the graph check)');
    } else if (graph.order.length === 0) {
      for (const id of dbChecks) skip(id, 'the project has no migrations');
    } else if (dbChecks.some(wants)) {
      const floorSet = floorRevisions(config, graph);
      const db = await provisionDatabase(config.database, projectDialect(info), {
        postgresVersion: config.postgresVersion,
        postgresImage: config.postgresImage,
        log,
        sqliteSnapshot: (path: string) => driver.call('sqlite-snapshot', { path }),
      });
      disposables.unshift(db);
      const unregisterDb = registerDisposable(db);
      report.environment.database = { provider: db.provider, dialect: db.dialect, serverVersion: db.serverVersion };
      log(`database: ${db.provider} (${db.dialect} ${db.serverVersion})`);
      await driver.call('configure', { url: withDriver(db.url, info.projectUrl?.driver ?? null, info.asyncEnv), envVars: config.envVars });

      await runDatabaseChecks(config, report, driver, db, graph, floorSet, info, log, wants, skip);
      unregisterDb();
    }
    unregisterDriver();
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    report.error = { kind: 'user', message: error.message, file: error.where.file, line: error.where.line, revision: error.where.revision };
  } finally {
    for (const d of disposables) await d.dispose();
  }

  report.counts = countFindings(report.checks);
  report.durationMs = Date.now() - started;
  report.status = report.error ? 'error' : failsOn(report, config) ? 'failed' : 'passed';
  return report;
}

async function runDatabaseChecks(
  config: Config,
  report: Report,
  driver: Driver,
  db: ThrowawayDatabase,
  graph: GraphAnalysis,
  belowFloor: Set<string>,
  info: InspectResult,
  log: (line: string) => void,
  wants: (id: CheckId) => boolean,
  skip: (id: CheckId, reason: string) => void,
): Promise<void> {
  const order = graph.order!;
  const newRevisions = new Set(report.newRevisions);
  const stairway = !wants('stairway')
    ? new Set<string>()
    : new Set(config.stairwayScope === 'new' && config.pr ? order.filter((id) => newRevisions.has(id)) : order);
  // The base branch's schema is the one after its last revision: the walk applies the base branch's first.
  let baseSchema: SchemaSnapshot | undefined;
  const lastOld = [...order].reverse().find((id) => !newRevisions.has(id));

  const walkStarted = Date.now();
  const walk: WalkResult = await walkMigrations(driver, db, {
    order,
    byId: graph.byId,
    stairway,
    belowFloor,
    facts: wants('lint') && db.dialect === 'postgresql',
    onUpgraded: (id, snapshot) => {
      if (id === lastOld) baseSchema = snapshot;
    },
    progress: (line) => log(line),
  });
  const walkMs = Date.now() - walkStarted;
  if (wants('upgrade')) report.checks.push(upgradeResult(walk, graph.byId, walkMs));
  if (wants('stairway')) report.checks.push(stairwayResult(walk, graph.byId, walkMs));
  if (wants('roundtrip')) {
    log('round trip: head → base → head');
    report.checks.push(await runRoundtrip(driver, db, walk, { order, byId: graph.byId, floor: config.minDowngradeRevision, heads: graph.heads }));
  }
  if (walk.head && config.mode === 'pr') {
    report.schemaDiff = diffSnapshots(baseSchema ?? walk.initial, walk.head);
  }

  const offline = await collectOfflineSql(driver, graph, report.revisions, log);
  report.migrations = offline;

  if (wants('lint')) {
    report.checks.push(lintCheck({ config, db, graph, walk, offline, newRevisions: config.pr ? newRevisions : null }));
  }
  for (const id of ['drift', 'models-registered'] as const) skip(id, 'not implemented yet (issue 3)');
  void info;
}

function projectDialect(info: InspectResult): 'postgresql' | 'sqlite' | null {
  const d = info.projectUrl?.dialect;
  if (!d) return null;
  if (d.startsWith('postgres')) return 'postgresql';
  if (d === 'sqlite') return 'sqlite';
  throw new UserError(
    `the project's database is ${d}; alembic-preflight supports PostgreSQL and SQLite projects`,
    { file: info.configFile ?? undefined },
  );
}

function floorRevisions(config: Config, graph: GraphAnalysis): Set<string> {
  if (!config.minDowngradeRevision) return new Set();
  const order = graph.order!;
  const i = order.indexOf(config.minDowngradeRevision);
  if (i === -1) {
    throw new UserError(`min-downgrade-revision "${config.minDowngradeRevision}" is not a revision of this project`, { input: 'min-downgrade-revision' });
  }
  return new Set(order.slice(0, i + 1));
}

const RANK = { notice: 0, warning: 1, error: 2 } as const;

function failsOn(report: Report, config: Config): boolean {
  if (report.checks.some((c) => c.status === 'error')) return true;
  return report.checks.some((c) => c.findings.some((f) => RANK[f.severity] >= RANK[config.failOn]));
}

export type { CheckResult };
