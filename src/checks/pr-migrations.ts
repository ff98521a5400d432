// The `pr-migrations` check (PR mode): what the pull request does to the migrations. A migration that already
// exists on the base branch and is edited by the PR is an error: applied migrations are never modified.

import type { PullRequestScope } from '../config.ts';
import type { CheckResult, Finding } from '../report/model.ts';
import type { GraphAnalysis } from './graph.ts';
import { count } from '../report/wording.ts';

export function prMigrationsResult(pr: PullRequestScope, graph: GraphAnalysis): CheckResult {
  const findings: Finding[] = [];
  const byFile = new Map([...graph.byId.values()].map((r) => [r.file, r]));
  for (const file of pr.modifiedFiles) {
    const record = byFile.get(file);
    findings.push({
      code: 'pr/modified-migration',
      severity: 'error',
      message: `${file} exists on ${pr.baseRef} and this pull request changes it: a migration that may already be applied must not be edited`,
      revision: record?.revision,
      file,
      line: 1,
      hint: 'Revert the change to this file and put it in a new migration: `alembic revision -m "..."` (or `--autogenerate`).',
    });
  }
  return {
    id: 'pr-migrations',
    status: findings.length ? 'failed' : 'passed',
    reason: `${count(pr.newFiles.length, 'new migration file')}, ${pr.modifiedFiles.length} changed`,
    durationMs: 0,
    findings,
  };
}
