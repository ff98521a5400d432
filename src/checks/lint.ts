// The `lint` check: feeds what each revision really executed (with the locks and rewrites PostgreSQL showed)
// and its offline SQL to the lint rules, and wraps their findings into one CheckResult.

import type { Config } from '../config.ts';
import type { ThrowawayDatabase } from '../database/provider.ts';
import { lintMigrations } from '../lint/engine.ts';
import { loadSqlParser } from '../lint/parse.ts';
import type { LintRevisionInput } from '../lint/types.ts';
import type { CheckResult } from '../report/model.ts';
import type { GraphAnalysis } from './graph.ts';
import type { OfflineSql } from './offline-sql.ts';
import type { WalkResult } from './walk.ts';
import { count } from '../report/wording.ts';

export async function lintCheck(input: {
  config: Config;
  db: ThrowawayDatabase;
  graph: GraphAnalysis;
  walk: WalkResult;
  offline: OfflineSql[];
  /** PR mode: lint only these revisions. */
  newRevisions: Set<string> | null;
}): Promise<CheckResult> {
  const started = Date.now();
  await loadSqlParser();
  const offline = new Map(input.offline.map((o) => [o.revision, o]));
  const revisions: LintRevisionInput[] = [];
  for (const w of input.walk.revisions) {
    if (input.newRevisions && !input.newRevisions.has(w.revision)) continue;
    const record = input.graph.byId.get(w.revision)!;
    const o = offline.get(w.revision);
    if (!w.upgrade && !o?.upgradeStatements) continue;
    revisions.push({
      revision: w.revision,
      file: record.file,
      executed: w.upgrade?.statements ?? null,
      offline: o?.upgradeStatements ?? null,
      // The offline text keeps the COMMIT/BEGIN that autocommit_block() writes, which the statement list lacks.
      offlineSql: o?.upgradeSql ?? undefined,
      offlineError: o?.offlineError,
      downgrade: record.downgrade,
      downgradeLine: record.downgradeLine,
    });
  }
  const { findings, statementsLinted } = lintMigrations({
    projectDir: input.config.projectDir,
    dialect: input.db.dialect,
    serverVersionNum: input.db.serverVersionNum,
    revisions,
    config: lintConfig(input.config),
  });
  return {
    id: 'lint',
    status: findings.some((f) => f.severity === 'error') ? 'failed' : 'passed',
    reason: `${count(statementsLinted, 'statement')} in ${count(revisions.length, 'revision')}`,
    durationMs: Date.now() - started,
    findings,
  };
}

/** The stairway reports irreversible downgrades itself, with the same file and line: when it runs, lint's rule of
 * the same meaning stays quiet unless the project set its severity explicitly. */
function lintConfig(config: Config): Config['lint'] {
  if (!config.checks.includes('stairway') || 'irreversible-downgrade' in config.lint.rules) return config.lint;
  return { ...config.lint, rules: { ...config.lint.rules, 'irreversible-downgrade': 'off' } };
}
