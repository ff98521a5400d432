// What one pipeline run carries from step to step, and how a check that cannot finish becomes a result instead
// of ending the run: the other checks still run and report.

import type { GraphAnalysis } from '../checks/graph.ts';
import { findingFromDriverError } from '../checks/driver-finding.ts';
import type { Config } from '../config.ts';
import type { Driver } from '../driver/client.ts';
import { DriverError } from '../driver/client.ts';
import type { CheckId, Report } from '../report/model.ts';

export interface PipelineRun {
  config: Config;
  report: Report;
  driver: Driver;
  graph: GraphAnalysis;
  log: (line: string) => void;
  wants: (id: CheckId) => boolean;
  skip: (id: CheckId, reason: string) => void;
}

/** Runs one check's work; a driver error the user can fix (env.py raising, a migration failing in a way the check
 * did not expect) becomes that check's `error` result with the file and line, and the run goes on. */
export async function guardCheck(run: PipelineRun, id: CheckId, work: () => Promise<void>): Promise<void> {
  const started = Date.now();
  try {
    await work();
  } catch (error) {
    if (!(error instanceof DriverError) || error.payload.kind === 'internal' || error.payload.kind === 'refused') throw error;
    run.report.checks.push({
      id,
      status: 'error',
      reason: `could not finish: ${error.payload.message}`,
      durationMs: Date.now() - started,
      findings: [findingFromDriverError(`${id}/error`, 'error', id, error.payload)],
    });
  }
}
