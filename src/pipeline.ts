// runPipeline(config): the one run both entry points share. Starts the driver, checks the graph, provisions the
// throwaway database, walks the migrations, runs the checks, and always cleans up. Returns the report; never exits.

import { join, relative } from 'node:path';
import { analyseGraph } from './checks/graph.ts';
import { prMigrationsResult } from './checks/pr-migrations.ts';
import { floorRevisions, runDatabaseChecks } from './pipeline/database-checks.ts';
import { runLiveDrift } from './pipeline/live-drift-run.ts';
import { CHECK_ORDER, type Config } from './config.ts';
import { interruptedBy, registerDisposable, type Disposable } from './database/cleanup.ts';
import type { ThrowawayDatabase } from './database/provider.ts';
import { provisionDatabase } from './database/select.ts';
import { envValues, parseEnvEntry } from './database/env-values.ts';
import { sqliteVersionNumber } from './database/sqlite.ts';
import { chooseDriver, urlScheme, withDriver } from './database/url.ts';
import { Driver, DriverDied, DriverError } from './driver/client.ts';
import { contain } from './driver/containment.ts';
import { diedAt, recordStepTimeout, serverEffectFindings } from './pipeline/run-outcomes.ts';
import { StepTimedOut, StepWatch } from './pipeline/step-watch.ts';
import type { InspectResult } from './driver/protocol.ts';
import { InternalError, UserError } from './errors.ts';
import { countFindings, REPORT_VERSION, type CheckId, type Report } from './report/model.ts';
import { TOOL_VERSION } from './version.ts';

export interface PipelineHooks {
  /** Progress and the driver's relayed output, one line at a time. */
  log?: (line: string) => void;
  /** What the driver found out about the project (where its env.py is, its URL), as soon as it is known. */
  onInspect?: (info: InspectResult) => void;
}

export async function runPipeline(config: Config, hooks: PipelineHooks = {}): Promise<Report> {
  const log = hooks.log ?? (() => {});
  const started = Date.now();
  const report: Report = {
    version: REPORT_VERSION,
    tool: { name: 'alembic-preflight', version: TOOL_VERSION },
    mode: config.mode,
    projectDir: shownPath(config.cwd, config.projectDir),
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

  // Everything this run starts is disposed in the finally below, newest first, and by the signal handlers
  // of cleanup.ts if the run is interrupted.
  const owned: { d: Disposable; unregister: () => void }[] = [];
  const own = (d: Disposable) => owned.unshift({ d, unregister: registerDisposable(d) });
  // An explicit database choice does not depend on the project: it starts while Python imports Alembic.
  let driverRef: Driver | undefined;
  let dbRef: ThrowawayDatabase | undefined;
  let graphRef: ReturnType<typeof analyseGraph> | undefined;
  const watch = new StepWatch(config.stepTimeoutMs, log, async () => dbRef?.activeStatement?.());
  const provision = (dialect: 'postgresql' | 'sqlite' | null): Promise<ThrowawayDatabase> =>
    provisionDatabase(config.database, dialect, {
      // env.py builds the URL from a host and a port: a local cluster must then listen on TCP (with a password).
      tcpPassword: config.envVars.some((e) => /\{(host|port)\}/.test(e)),
      postgresVersion: config.postgresVersion,
      postgresImage: config.postgresImage,
      log,
      sqliteSnapshot: (path: string) => driverRef!.call('sqlite-snapshot', { path }),
    }).then((db) => {
      own({ name: `${db.provider} database`, dispose: () => db.dispose() });
      dbRef = db;
      return db;
    });
  const early = config.database !== 'auto' && config.mode !== 'drift' ? provision(null) : undefined;
  // Awaited where it is used, or in the finally below; a failure surfaces there, not as an unhandled rejection.
  early?.catch(() => undefined);
  try {
    const driver = await Driver.start({
      python: config.python,
      cwd: config.projectDir,
      onLog: (l) => {
        watch.onLog(l);
        log(`  | ${l}`);
      },
      onProgress: (l) => {
        watch.onProgress(l);
        log(l);
      },
      onNotification: (n) => watch.onNotification(n),
    });
    own({
      name: 'python driver',
      // Interrupted: no goodbye to a driver that may be deep in a migration; its whole process group goes now.
      dispose: () => (interruptedBy() ? driver.abort(new InternalError(`interrupted by ${interruptedBy()}`)) : driver.close()),
      disposeSync: () => {
        if (driver.pid !== undefined) {
          try {
            process.kill(-driver.pid, 'SIGKILL');
          } catch {
            // the group is gone already
          }
        }
      },
    });
    driverRef = driver;
    watch.start(driver);

    const info: InspectResult = await driver.call('inspect', {
      projectDir: config.projectDir,
      configFile: config.configFile,
      section: config.section,
      flaskApp: config.flaskApp,
    });
    hooks.onInspect?.(info);
    report.environment.python = info.python;
    report.environment.alembic = info.alembic;
    report.environment.sqlalchemy = info.sqlalchemy;

    const dbChecks: CheckId[] = ['upgrade', 'roundtrip', 'stairway', 'data', 'drift', 'models-registered', 'lint', 'live-drift'];

    const openDatabase = async (dialect: 'postgresql' | 'sqlite' | null): Promise<ThrowawayDatabase> => {
      const db = await (early ?? provision(dialect));
      if (db.provider === 'sqlite') {
        // SQLite runs inside the project's Python: its version is the interpreter's sqlite3 library.
        db.serverVersion = info.sqlite;
        db.serverVersionNum = sqliteVersionNumber(info.sqlite);
      }
      // The driver the project names (--database URL, else its own URL when of this dialect), else the installed one.
      const given = typeof config.database === 'object' ? urlScheme(config.database.url)?.driver : null;
      const named = given ? { driver: given, source: '--database' } : info.projectUrl && projectDialect(info) === db.dialect ? info.projectUrl : null;
      const choice = chooseDriver(db.dialect, named, info.asyncEnv, info.drivers);
      report.environment.database = { provider: db.provider, dialect: db.dialect, serverVersion: db.serverVersion,
        driver: choice.name, driverReason: choice.reason };
      if (info.asyncEnv && ASYNC_DRIVERS.has(choice.name) && info.drivers && !info.drivers.installed.includes('greenlet')) {
        throw new UserError(`env.py builds an async engine (${choice.name}), and SQLAlchemy's asyncio extension needs the greenlet `
          + `package, which ${config.python} does not have (SQLAlchemy 2.1 no longer installs it): pip install greenlet `
          + `(or "sqlalchemy[asyncio]")`, { file: relative(config.projectDir, join(info.scriptLocation, 'env.py')) });
      }
      const url = withDriver(db.url, choice.driver);
      // Off the network first (where the database allows it): configure may already run project code.
      report.environment.containment = await contain(driver, db, log);
      const configured = await driver.call('configure', {
        url,
        envVars: config.envVars.map((e) => parseEnvEntry(e).name),
        envValues: envValues(config.envVars, url),
      });
      if (configured.flaskApp) log(`Flask-Migrate: app ${configured.flaskApp}, its database URI set to the throwaway database`);
      return db;
    };

    // The environment env.py reads (--env-vars) is set before any project code is imported: the graph imports
    // every migration, and settings objects read DATABASE_URL when their module loads.
    const needsDatabase = config.mode !== 'drift' && dbChecks.some(wants);
    const opened = needsDatabase ? openDatabase(projectDialect(info)) : undefined;
    // A database that cannot be had fails where it is needed, after the graph check has reported.
    opened?.catch(() => undefined);
    await opened?.catch(() => undefined);

    const newFiles = new Set(config.pr?.newFiles ?? []);
    const graph = analyseGraph(await driver.call('graph', {}), (file) => newFiles.has(file));
    graphRef = graph;
    report.checks.push(graph.result);
    report.revisions = graph.revisions;
    report.newRevisions = graph.revisions.filter((r) => newFiles.has(r.file)).map((r) => r.revision);
    if (config.pr && wants('pr-migrations')) report.checks.push(prMigrationsResult(config.pr, graph));
    const unloadable = graph.result.findings.find((f) => f.code === 'graph/load-error');
    if (unloadable) {
      // A migration that does not even import is a broken project (exit 2), reported with the file and line.
      for (const id of dbChecks) skip(id, 'a migration file does not load (see the graph check)');
      throw new UserError(unloadable.message, { file: unloadable.file, line: unloadable.line });
    }

    if (config.mode === 'drift') {
      await runLiveDrift({ config, report, driver, graph, log, skip, wants }, openDatabase);
    } else {
      if (!graph.order) {
        for (const id of dbChecks) skip(id, 'the revision graph is broken (see the graph check)');
      } else if (graph.order.length === 0) {
        for (const id of dbChecks) skip(id, 'the project has no migrations');
      } else if (dbChecks.some(wants)) {
        const belowFloor = floorRevisions(config, graph);
        const db = await opened!;
        await runDatabaseChecks({ config, report, driver, graph, log, skip, wants }, db, info, belowFloor);
      }
    }
  } catch (caught) {
    if (caught instanceof StepTimedOut) {
      // A finding, not a broken project: the checks that could not run say why, and cleanup goes on as usual.
      recordStepTimeout(report, caught, graphRef, wants);
    } else if (interruptedBy()) {
      // The run is being torn down by a signal: what failed because of that is no result (the CLI says so).
      report.error = { kind: 'user', message: `interrupted by ${interruptedBy()}` };
    } else {
      const error = asUserError(caught instanceof DriverDied ? diedAt(caught, watch.where(), graphRef) : caught);
      report.error = { kind: 'user', message: error.message, file: error.where.file, line: error.where.line, revision: error.where.revision };
    }
  } finally {
    watch.stop();
    await early?.catch(() => undefined);
    for (const { d, unregister } of owned) {
      await d.dispose();
      unregister();
    }
  }
  // A shared server (postgres-url): what the run changed outside its own database, found once it was dropped.
  if (dbRef?.serverEffects?.length) serverEffectFindings(report, dbRef.serverEffects);

  const rank = (id: CheckId) => [...CHECK_ORDER, 'pr-migrations'].indexOf(id);
  report.checks.sort((a, b) => rank(a.id) - rank(b.id));
  report.counts = countFindings(report.checks);
  report.durationMs = Date.now() - started;
  report.status = reportStatus(report, config);
  return report;
}

/** error when the run stopped early, failed when a finding reaches fail-on or a check errored, else passed. */
export function reportStatus(report: Report, config: Config): Report['status'] {
  return report.error ? 'error' : failsOn(report, config) ? 'failed' : 'passed';
}

/** The project directory as the user would type it from where they are: relative below, absolute elsewhere. */
function shownPath(cwd: string, dir: string): string {
  const rel = relative(cwd, dir);
  return rel === '' ? '.' : rel.startsWith('..') ? dir : rel;
}

/** A driver error that the user can fix (config, env.py, a migration file, a refused URL) is a user error;
 * anything else (a driver bug) goes on up as an internal error. */
function asUserError(error: unknown): UserError {
  if (error instanceof UserError) return error;
  if (error instanceof DriverError && error.payload.kind !== 'internal') {
    const e = error.payload;
    return new UserError(e.message, { file: e.file, line: e.line, revision: e.revision }, e.traceback);
  }
  throw error;
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

const RANK = { notice: 0, warning: 1, error: 2 } as const;
const ASYNC_DRIVERS = new Set(['asyncpg', 'aiosqlite', 'psycopg', 'psycopg_async']);

function failsOn(report: Report, config: Config): boolean {
  if (report.checks.some((c) => c.status === 'error')) return true;
  return report.checks.some((c) => c.findings.some((f) => RANK[f.severity] >= RANK[config.failOn]));
}

