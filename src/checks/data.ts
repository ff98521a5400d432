// The `data` check: the stairway on generated rows (the driver's seed_data.py / data_walk.py). Reports steps that
// fail on rows the schema allowed but pass on empty tables, and data a downgrade does not give back; each finding
// shows the row.

import type { DataConfig } from '../config-data.ts';
import type { DataLoss, RevisionRecord } from '../driver/protocol.ts';
import type { CheckResult, Finding } from '../report/model.ts';
import { count } from '../report/wording.ts';
import { handOutcome } from './data-hand.ts';
import { findingFromDriverError } from './driver-finding.ts';
import type { DataFailure, WalkResult } from './walk.ts';

/** A row as one line: `{"id": 1, "email": "seed-users-email-0"}`, long values cut. */
export function showRow(row: Record<string, unknown>): string {
  const cut = (v: unknown) => {
    const s = JSON.stringify(v) ?? 'null';
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  };
  return `{${Object.entries(row).map(([k, v]) => `${JSON.stringify(k)}: ${cut(v)}`).join(', ')}}`;
}

/** A failure raised by the migration's own Python code (no database error): on generated rows it says what the
 * migration assumes of the values the application writes (an Enum's labels, JSON text, its own validation), which
 * generated rows cannot know. Not a verdict: the revision is reported as not checked on rows. Rows the user wrote
 * (hand-written data without generated rows) keep it an error. */
function pythonSide(failure: DataFailure, hand?: DataConfig): boolean {
  return !failure.error.db && failure.error.kind === 'migration' && !(hand && !hand.generate);
}

function stepWords(phase: DataFailure['phase']): string {
  return phase === 'down' ? 'downgrade' : phase === 'reup' ? 'upgrade after downgrade' : 'upgrade';
}

function notCheckedFinding(revision: string, record: RevisionRecord | undefined, failure: DataFailure): Finding {
  const what = stepWords(failure.phase);
  return {
    code: 'data/not-checked',
    severity: 'notice',
    message: `revision ${revision} was not checked on rows: its ${what} raised ${failure.error.message.split('\n')[0]!.slice(0, 300)} ` +
      'in its own Python code on the generated rows (it passes on empty tables)',
    revision,
    file: record?.file,
    line: (failure.phase === 'down' ? record?.downgradeLine : record?.line) ?? undefined,
    details: [...(failure.row ? [`row of ${failure.row.table}: ${showRow(failure.row.row)}`] : []),
      'Generated rows cannot know what the migration assumes of the values your application writes (an Enum\'s labels, JSON text, its own checks).'],
    hint: 'Write rows as your application does for this revision in [tool.alembic-preflight.data] (seed or rows) to check it on data.',
  };
}

function failureFinding(revision: string, record: RevisionRecord | undefined, failure: DataFailure): Finding {
  const down = failure.phase === 'down';
  const what = stepWords(failure.phase);
  const f = findingFromDriverError(down ? 'data/downgrade-fails-on-rows' : 'data/upgrade-fails-on-rows', 'error', what,
    failure.error, { revision, file: record?.file, line: down ? record?.downgradeLine : record?.line });
  f.message = `${f.message} (with rows in the tables; the same ${down ? 'downgrade' : 'upgrade'} passes on empty tables)`;
  const rowLine = failure.row ? `row of ${failure.row.table}: ${showRow(failure.row.row)}` : undefined;
  f.details = [...(rowLine ? [rowLine] : []), ...(f.details ?? [])];
  f.evidence = { phase: failure.phase, ...(failure.row ? { table: failure.row.table, row: failure.row.row } : {}) };
  f.hint = `${down ? 'The downgrade cannot run on rows the upgraded schema accepts' : 'Existing rows break this migration in production'}: ${remedy(failure.error.message, failure.error.db?.statement)}`;
  return f;
}

/** What to write instead, from what the database refused. */
function remedy(message: string, statement?: string): string {
  if (/null value|contains null|NOT NULL/i.test(message)) {
    return 'add the column as nullable (or with a server_default), backfill it, then set NOT NULL in a later step.';
  }
  if (/unique|duplicate/i.test(message)) return 'remove or merge the duplicates in the migration before creating the unique index or constraint.';
  if (/invalid input syntax|cannot be cast|out of range|too long/i.test(message)) {
    return 'convert the values explicitly (postgresql_using with a CASE, or a new column filled by an UPDATE), and handle the ones that do not convert.';
  }
  if (/FOREIGN KEY constraint failed/.test(message) && /^\s*DROP TABLE/i.test(statement ?? '')) {
    return 'SQLite batch mode copies the table and drops the old one; with PRAGMA foreign_keys=ON, rows of other tables that reference it make the DROP fail (or, with ON DELETE CASCADE, delete them). Turn foreign keys off around the batch operation (PRAGMA foreign_keys=OFF before the migration\'s transaction), as Alembic\'s batch documentation says.';
  }
  if (/foreign key/i.test(message)) return 'fix or remove the rows that point nowhere before adding the foreign key (or add it NOT VALID, then VALIDATE).';
  return 'make the migration handle the rows tables already hold (convert, backfill or remove them first).';
}

function lossMessage(revision: string, loss: DataLoss): string {
  const rows = count(loss.count, 'row');
  const where = loss.schema && loss.schema !== 'public' ? `${loss.schema}.${loss.table}` : loss.table;
  if (loss.kind === 'lost-row') return `upgrade + downgrade of revision ${revision} lose ${rows} of ${where} that existed before the upgrade`;
  if (loss.kind === 'moved') {
    return `the upgrade of revision ${revision} moved ${where}.${loss.column} to ${loss.movedTo}; the downgrade does not move it back (${rows})`;
  }
  return `upgrade + downgrade of revision ${revision} change ${where}.${loss.column} (${rows}): ${JSON.stringify(loss.row[loss.column!])} became ${JSON.stringify(loss.after ?? null)}`;
}

function lossFinding(revision: string, record: RevisionRecord | undefined, loss: DataLoss): Finding {
  return {
    code: 'data/lost-on-rollback',
    severity: 'warning',
    message: lossMessage(revision, loss),
    revision,
    file: record?.file,
    line: record?.downgradeLine ?? record?.line ?? undefined,
    details: [`row before the upgrade: ${showRow(loss.row)}`,
      ...(loss.kind !== 'lost-row' ? [`after the downgrade: ${JSON.stringify(loss.after ?? null)}`] : [])],
    evidence: { kind: loss.kind, table: loss.table, column: loss.column ?? undefined, row: loss.row, count: loss.count,
      ...(loss.movedTo ? { movedTo: loss.movedTo } : {}) },
    hint: loss.kind === 'moved'
      ? `Make downgrade() copy the values back before dropping ${loss.movedTo} (op.execute("UPDATE ... SET ...")).`
      : 'Make downgrade() restore what upgrade() changed, or state in the migration that the rollback loses data.',
  };
}

export function dataResult(walk: WalkResult, byId: Map<string, RevisionRecord>, durationMs: number, hand?: DataConfig): CheckResult {
  const findings: Finding[] = [];
  let walked = 0;
  let compared = 0;
  let seedErrorSaid = false; // our own seeding or reading failed: the walk went on without rows, said once
  for (const r of walk.revisions) {
    const record = byId.get(r.revision);
    if (r.dataFailure) {
      findings.push(pythonSide(r.dataFailure, hand) ? notCheckedFinding(r.revision, record, r.dataFailure) : failureFinding(r.revision, record, r.dataFailure));
    }
    if (r.data && !r.data.error) walked++;
    if (r.downgrade && r.data && !r.data.error) compared++;
    for (const loss of r.data?.lost ?? []) findings.push(lossFinding(r.revision, record, loss));
    if (r.data?.error && !seedErrorSaid) {
      seedErrorSaid = true;
      findings.push({
        code: 'data/not-checked',
        severity: 'notice',
        message: `revision ${r.revision} was not checked on rows: ${r.data.error}`,
        revision: r.revision,
        file: record?.file,
      });
    }
  }
  // [tool.alembic-preflight.data]: the user's seeds and assertions, each assertion's result in the summary.
  const own = hand ? handOutcome(walk, byId, hand, showRow) : undefined;
  if (own) findings.push(...own.findings);
  return {
    id: 'data',
    status: findings.some((f) => f.severity === 'error') ? 'failed' : 'passed',
    reason: `${count(walked, 'revision')} walked with rows, ${count(compared, 'rollback')} compared` +
      (own ? `, ${own.asserts.passed} of ${count(own.asserts.total, 'assertion')} passed` : ''),
    durationMs,
    findings,
    ...(own?.summary.length ? { summary: own.summary } : {}),
  };
}
