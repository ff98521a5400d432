// The offline (`--sql`) SQL of every revision, upgrade and downgrade, split per revision: what the PR comment
// shows and what lint falls back to. A revision whose offline mode fails keeps its error; nothing else is lost.

import type { Driver } from '../driver/client.ts';
import type { OfflineResult } from '../driver/protocol.ts';
import type { MigrationSql, RevisionInfo } from '../report/model.ts';
import type { GraphAnalysis } from './graph.ts';
import { driverErrorPayload } from './walk.ts';

export interface OfflineSql extends MigrationSql {
  upgradeStatements: OfflineResult['revisions'][number]['statements'] | null;
}

export async function collectOfflineSql(
  driver: Driver,
  graph: GraphAnalysis,
  revisions: RevisionInfo[],
  log: (line: string) => void,
): Promise<OfflineSql[]> {
  const head = graph.heads.length > 1 ? 'heads' : 'head';
  const out = new Map<string, OfflineSql>(
    revisions.map((r) => [r.revision, { revision: r.revision, file: r.file, upgradeSql: null, downgradeSql: null, upgradeStatements: null }]),
  );
  const note = (revision: string | undefined, message: string) => {
    for (const [id, m] of out) if (!revision || id === revision) m.offlineError ??= message;
  };
  log('offline SQL: upgrade and downgrade, per revision');
  try {
    const up = await driver.call('offline', { direction: 'up', range: `base:${head}` });
    for (const f of up.failures ?? []) note(f.revision ?? '?', `offline upgrade SQL cannot be rendered: ${f.message}`);
    for (const r of up.revisions) {
      const m = out.get(r.revision);
      if (m) {
        m.upgradeSql = r.sql;
        m.upgradeStatements = r.statements;
      }
    }
  } catch (error) {
    const e = driverErrorPayload(error);
    note(e.revision, `offline upgrade failed: ${e.message}`);
  }
  try {
    const down = await driver.call('offline', { direction: 'down', range: `${head}:base` });
    for (const f of down.failures ?? []) note(f.revision ?? '?', `offline downgrade SQL cannot be rendered: ${f.message}`);
    for (const r of down.revisions) {
      const m = out.get(r.revision);
      if (m) m.downgradeSql = r.sql;
    }
  } catch (error) {
    const e = driverErrorPayload(error);
    note(e.revision, `offline downgrade failed: ${e.message}`);
  }
  return [...out.values()];
}
