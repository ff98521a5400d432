// Runs a fixture through the real driver on a real database, the way the pipeline does for lint: one traced `step`
// per revision (with PostgreSQL facts), then the offline SQL of base:head; and turns the result into LintInput.
import { join } from 'node:path';
import type { ThrowawayDatabase } from '../../src/database/provider.ts';
import { Driver } from '../../src/driver/client.ts';
import type { ExecutedStatement, RevisionRecord } from '../../src/driver/protocol.ts';
import type { LintInput } from '../../src/lint/types.ts';
import { venvPython } from '../support/env.ts';

export interface RealRun {
  input: LintInput;
  /** Offline SQL of base:head (the text squawk gets), per revision, oldest first. */
  offlineSql: { revision: string; file: string; sql: string }[];
}

/** Oldest first, following down_revision links (the fixtures used here are linear). */
function linearOrder(revisions: RevisionRecord[]): RevisionRecord[] {
  const byParent = new Map<string, RevisionRecord>();
  for (const r of revisions) byParent.set(r.downRevisions[0] ?? '', r);
  const out: RevisionRecord[] = [];
  for (let r = byParent.get(''); r; r = byParent.get(r.revision)) out.push(r);
  if (out.length !== revisions.length) throw new Error('fixture history is not linear');
  return out;
}

export async function runFixture(project: string, db: ThrowawayDatabase, driverName: string): Promise<RealRun> {
  await db.reset();
  const driver = await Driver.start({ python: venvPython('latest'), cwd: project });
  try {
    await driver.call('inspect', { projectDir: project, configFile: join(project, 'alembic.ini'), section: 'alembic' });
    const url = db.dialect === 'postgresql' ? db.url.replace(/^postgresql:/, `postgresql+${driverName}:`) : db.url;
    await driver.call('configure', { url, envVars: ['DATABASE_URL'] });
    const graph = await driver.call('graph', {});
    const order = linearOrder(graph.revisions);
    const executed = new Map<string, ExecutedStatement[]>();
    for (const r of order) {
      const up = await driver.call('step', { revision: r.revision, direction: 'up', trace: true, facts: db.dialect === 'postgresql' });
      executed.set(r.revision, up.steps[0]?.statements ?? []);
    }
    const head = order[order.length - 1]!.revision;
    const offline = await driver.call('offline', { direction: 'up', range: `base:${head}` });
    const offlineBy = new Map(offline.revisions.map((o) => [o.revision, o]));
    return {
      input: {
        projectDir: project,
        dialect: db.dialect,
        serverVersionNum: db.serverVersionNum,
        config: { rules: {} },
        revisions: order.map((r) => ({
          revision: r.revision,
          file: r.file,
          executed: executed.get(r.revision) ?? null,
          offline: offlineBy.get(r.revision)?.statements ?? null,
          offlineSql: offlineBy.get(r.revision)?.sql ?? null,
          downgrade: r.downgrade,
          downgradeLine: r.downgradeLine,
        })),
      },
      offlineSql: order.map((r) => ({ revision: r.revision, file: r.file, sql: offlineBy.get(r.revision)?.sql ?? '' })),
    };
  } finally {
    await driver.close();
  }
}
