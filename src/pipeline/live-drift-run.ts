// The drift command's run (the nightly job): the live database read-only, the expected schema built on a throwaway
// database at the live database's own revision, and the difference.

import type { ThrowawayDatabase } from '../database/provider.ts';
import { findingFromDriverError } from '../checks/driver-finding.ts';
import { liveDriftResult, liveRevisionStatus, readLiveDatabase } from '../checks/live-drift.ts';
import { driverErrorPayload } from '../checks/walk.ts';
import type { SchemaSnapshot } from '../schema/snapshot.ts';
import type { PipelineRun } from './run.ts';

export async function runLiveDrift(
  run: PipelineRun,
  openDatabase: (dialect: 'postgresql') => Promise<ThrowawayDatabase>,
): Promise<void> {
  const { config, report, driver, graph, log } = run;
  const started = Date.now();
  const db = await openDatabase('postgresql');
  // env.py may name its own version table (version_table=, version_table_schema=): an empty run through env.py
  // on the throwaway database tells which, before anything reads the live one.
  const { versionTable } = await driver.call('upgrade', { target: 'base', trace: false, facts: false });
  const qualified = versionTable.schema ? `${versionTable.schema}.${versionTable.name}` : versionTable.name;
  log(`live database: reading ${qualified} and the schema (read-only)`);
  const live = await readLiveDatabase(config.liveDatabaseUrl!, versionTable);
  const status = liveRevisionStatus(live.current, graph, qualified);
  // Production table sizes, for the PR check's lock-time estimates (`--table-sizes-from` this report).
  report.tableSizes = live.tableSizes;
  let expected: SchemaSnapshot | null = null;
  if (status.target && graph.order) {
    log(`expected schema: migrations up to ${status.target.join(', ') || 'base'} on a throwaway database`);
    try {
      for (const target of status.target) await driver.call('upgrade', { target, trace: false, facts: false });
      expected = await db.snapshot();
    } catch (error) {
      const e = driverErrorPayload(error);
      status.findings.push(findingFromDriverError('live-drift/expected-schema-failed', 'error', 'building the expected schema', e));
    }
  }
  // The version table is bookkeeping, not schema, on both sides, whatever it is called.
  const drift = { ...config.drift, ignoreTables: [...config.drift.ignoreTables, qualified] };
  report.checks.push(liveDriftResult(status, expected, live.snapshot, drift, Date.now() - started));
}
