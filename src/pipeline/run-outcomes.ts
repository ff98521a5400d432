// How a run that could not go on is reported: a step that timed out (a finding, then cleanup), a driver that died
// inside the project's code (exit 2 naming the revision and phase), and what a run changed on a shared server.

import type { GraphAnalysis } from '../checks/graph.ts';
import type { ServerEffect } from '../database/provider.ts';
import type { DriverDied } from '../driver/client.ts';
import { UserError } from '../errors.ts';
import { countFindings, type CheckId, type CheckResult, type Finding, type Report, type Severity } from '../report/model.ts';
import { describeStep, ENV_PHASE, formatDuration, type StepPosition, type StepTimedOut } from './step-watch.ts';

/** The checks that need the driver after the graph: what a dead driver or a stopped step leaves unchecked. */
const AFTER_GRAPH: CheckId[] = ['upgrade', 'roundtrip', 'stairway', 'data', 'drift', 'models-registered', 'lint', 'live-drift'];

/** Which check a driver call belongs to: the walk is the upgrade (its downgrades the stairway's). */
function checkOf(method: string, phase: string | undefined): CheckId {
  if (method === 'walk') return phase === 'downgrade' || phase === 're-upgrade' ? 'stairway' : 'upgrade';
  if (method === 'upgrade' || method === 'downgrade') return 'roundtrip';
  if (method === 'drift') return 'drift';
  if (method === 'offline-sql' || method === 'offline') return 'lint';
  return 'upgrade';
}

function addFinding(report: Report, id: CheckId, finding: Finding, status: CheckResult['status']): void {
  const existing = report.checks.find((c) => c.id === id);
  if (existing) {
    existing.findings.push(finding);
    if (status === 'error' || existing.status === 'passed') existing.status = status;
    return;
  }
  report.checks.push({ id, status, durationMs: 0, findings: [finding] });
}

function fileOf(graph: GraphAnalysis | undefined, revision: string | undefined): string | undefined {
  return revision ? graph?.byId.get(revision)?.file : undefined;
}

/** A step that ran past --step-timeout: one error finding naming the revision (and statement), the rest skipped. */
export function recordStepTimeout(
  report: Report,
  timeout: StepTimedOut,
  graph: GraphAnalysis | undefined,
  wants: (id: CheckId) => boolean,
): void {
  const { call, position } = timeout;
  const id = checkOf(call.method, position.phase);
  addFinding(report, id, {
    code: `${id}/step-timeout`,
    severity: 'error',
    message: `${describeStep(call, position)} ran for ${formatDuration(timeout.elapsedMs)} without finishing ` +
      `(step timeout ${formatDuration(timeout.timeoutMs)}); the driver and everything it started were stopped`,
    revision: position.revision,
    file: fileOf(graph, position.revision),
    sql: position.statement,
    hint: (position.phase === ENV_PHASE && !position.revision
      ? 'env.py never got to the first revision: something it does on import or in run_migrations_online (a ' +
        'connection to a host that does not answer, a service or a lock it waits for, input()) never finished. '
      : 'A migration waiting on a lock, on input or on the network never finishes. ') +
      'If this step really takes that long, raise --step-timeout (step-timeout in [tool.alembic-preflight], or the step-timeout input).',
  }, 'error');
  for (const other of AFTER_GRAPH) {
    if (wants(other) && !report.checks.some((c) => c.id === other)) {
      report.checks.push({ id: other, status: 'skipped', reason: `not run: ${describeStep(call, position)} timed out`, durationMs: 0, findings: [] });
    }
  }
}

/** The driver died inside a call: a user error (exit 2) saying where, with its last output. */
export function diedAt(died: DriverDied, position: StepPosition, graph: GraphAnalysis | undefined): UserError {
  const where = died.call ? describeStep(died.call, position) : 'the driver';
  return new UserError(
    `the Python driver ${died.how} at ${where}: something in the project ended the interpreter (os._exit(), ` +
      'a crashing C extension, the out-of-memory killer)',
    { revision: position.revision, file: fileOf(graph, position.revision) },
    died.stderrTail || undefined,
  );
}

const EFFECT_TEXT: Record<ServerEffect['kind'], [string, Severity, string]> = {
  'role-created': ['created role', 'warning', 'Roles belong to the whole server: on a shared server every database sees them, and a second run fails on CREATE ROLE (42710).'],
  'role-dropped': ['dropped role', 'error', 'The role existed before the run and is gone: a shared server cannot get it back.'],
  'role-altered': ['altered role', 'error', "A role's attributes (SUPERUSER, LOGIN, password, connection limit...) changed on the shared server."],
  'database-created': ['created database', 'error', 'A database other than the throwaway one appeared during the run and is left on the server.'],
  'database-dropped': ['dropped database', 'error', 'A database that existed before the run is gone (DROP DATABASE in an autocommit block?): a shared server cannot get it back.'],
  'tablespace-created': ['created tablespace', 'warning', 'Tablespaces belong to the whole server.'],
  'tablespace-dropped': ['dropped tablespace', 'error', 'A tablespace that existed before the run is gone.'],
};

/** Cluster-wide changes seen on a postgres-url server, reported under the upgrade check (the migrations made them). */
export function serverEffectFindings(report: Report, effects: ServerEffect[]): void {
  for (const effect of effects) {
    const [what, severity, why] = EFFECT_TEXT[effect.kind];
    addFinding(report, 'upgrade', {
      code: `upgrade/server-${effect.kind}`,
      severity,
      message: `the run ${what} "${effect.name}" on the shared server, outside its own database${effect.outcome ? ` (${effect.outcome})` : ''}`,
      hint: `${why} Use --database postgres-local or postgres-docker, where the whole server is the run's own.`,
    }, severity === 'error' ? 'failed' : 'passed');
  }
  report.counts = countFindings(report.checks);
}
