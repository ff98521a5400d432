// The run a user asks for: the pipeline on each database of `--database sqlite,postgres`, or under `auto` on
// SQLite and then PostgreSQL too when the project shows it deploys PostgreSQL; one merged report.

import { join, resolve } from 'node:path';
import type { Config } from '../config.ts';
import { interruptedBy } from '../database/cleanup.ts';
import type { DatabaseChoice } from '../database/select.ts';
import type { InspectResult } from '../driver/protocol.ts';
import { reportStatus, runPipeline, type PipelineHooks } from '../pipeline.ts';
import { countFindings, type Report } from '../report/model.ts';
import { mergeReports } from './dialects.ts';
import { postgresEvidence } from './targets-postgres.ts';

export async function runChecks(config: Config, hooks: PipelineHooks = {}): Promise<Report> {
  let info: InspectResult | undefined;
  const first = await runPipeline(config, { ...hooks, onInspect: (i) => { info = i; hooks.onInspect?.(i); } });
  const more: { database: DatabaseChoice; asked: boolean }[] = config.moreDatabases.map((database) => ({ database, asked: true }));
  let why: string | null = null;
  if (config.database === 'auto' && config.mode !== 'drift' && !first.error && info
    && first.environment.database?.dialect === 'sqlite') {
    const envPy = join(resolve(config.projectDir, info.scriptLocation), 'env.py');
    why = postgresEvidence(config.projectDir, envPy, info.configFile ? resolve(config.projectDir, info.configFile) : null);
    if (why) {
      hooks.log?.(`database: the project develops on SQLite and ${why}: checking on PostgreSQL too (--database sqlite for SQLite only)`);
      more.push({ database: 'postgres', asked: false });
    }
  }
  if (more.length === 0 || first.error) return first;

  const reports = [first];
  for (const { database, asked } of more) {
    if (interruptedBy()) break;
    const report = await runPipeline({ ...config, database, moreDatabases: [] }, hooks);
    if (report.error && !asked) {
      // PostgreSQL was our idea, not the user's: a project that cannot run there is told so, not failed.
      first.checks.find((c) => c.id === 'graph')?.findings.push({
        code: 'graph/dialect-not-checked',
        severity: 'notice',
        message: `PostgreSQL was not checked (${why}): ${report.error.message}`,
        ...(report.error.file ? { file: report.error.file, line: report.error.line } : {}),
        hint: 'Pass --database sqlite to check SQLite only, or make env.py run on PostgreSQL too (see --env-vars).',
      });
      continue;
    }
    reports.push(report);
  }
  const merged = mergeReports(reports, (m) => reportStatus(m, config));
  if (why) merged.environment.databasesReason = why;
  if (merged === first) {
    merged.counts = countFindings(merged.checks);
    merged.status = reportStatus(merged, config);
  }
  return merged;
}
