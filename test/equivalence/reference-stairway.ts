// The reference stairway: every step a separate `alembic upgrade` / `alembic downgrade` command (its own process,
// env.py run, connection and MigrationContext), schema snapshots between them. What the fast walk must agree with.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ThrowawayDatabase } from '../../src/database/provider.ts';
import { diffSnapshots } from '../../src/schema/diff.ts';
import type { Report } from '../../src/report/model.ts';
import { venvPython } from '../support/env.ts';

const run = promisify(execFile);

export type Verdict = 'up-failed' | 'down-failed' | 'leftover' | 'reup-failed';

/** One `alembic` command in the project, the database given as env.py reads it (DATABASE_URL). */
async function alembic(dir: string, url: string, ...args: string[]): Promise<boolean> {
  try {
    await run(venvPython(), ['-m', 'alembic', ...args], { cwd: dir, env: { ...process.env, DATABASE_URL: url }, timeout: 120_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Per revision (linear history, oldest first): snapshot, `upgrade rev`, `downgrade <down>`, snapshot (compared with
 * the first), `upgrade rev`. After a failed downgrade or re-upgrade the database is rebuilt to `rev`, as the fast
 * walk does; after a failed upgrade the walk stops.
 */
export async function referenceStairway(
  dir: string,
  db: ThrowawayDatabase,
  url: string,
  order: { revision: string; down: string }[],
): Promise<Map<string, Verdict[]>> {
  const out = new Map<string, Verdict[]>();
  for (const { revision, down } of order) {
    const verdicts: Verdict[] = [];
    out.set(revision, verdicts);
    const before = await db.snapshot();
    if (!(await alembic(dir, url, 'upgrade', revision))) {
      verdicts.push('up-failed');
      break;
    }
    let rebuild = false;
    if (!(await alembic(dir, url, 'downgrade', down))) {
      verdicts.push('down-failed');
      rebuild = true;
    } else {
      if (diffSnapshots(before, await db.snapshot(), { compare: 'storage' }).length) verdicts.push('leftover');
      if (!(await alembic(dir, url, 'upgrade', revision))) {
        verdicts.push('reup-failed');
        rebuild = true;
      }
    }
    if (rebuild) {
      await db.reset();
      if (!(await alembic(dir, url, 'upgrade', revision))) throw new Error(`reference: cannot rebuild up to ${revision}`);
    }
  }
  return out;
}

const CODES: Record<string, Verdict> = {
  'upgrade/failed': 'up-failed',
  'stairway/downgrade-failed': 'down-failed',
  // A downgrade that only raises is one that fails when run: the walk does not run it, and says so.
  'stairway/irreversible': 'down-failed',
  'stairway/downgrade-leaves-trace': 'leftover',
  'stairway/reupgrade-failed': 'reup-failed',
};

/** The same verdicts, read from the fast walk's JSON report. */
export function walkVerdicts(report: Report): Map<string, Verdict[]> {
  const out = new Map<string, Verdict[]>();
  const order: Verdict[] = ['up-failed', 'down-failed', 'leftover', 'reup-failed'];
  for (const c of report.checks) {
    for (const f of c.findings) {
      const v = CODES[f.code];
      if (!v || !f.revision) continue;
      const list = out.get(f.revision) ?? [];
      if (!list.includes(v)) list.push(v);
      out.set(f.revision, list.sort((a, b) => order.indexOf(a) - order.indexOf(b)));
    }
  }
  return out;
}

/** Only the revisions with something to say, as a plain object for assert.deepEqual. */
export function nonEmpty(map: Map<string, Verdict[]>): Record<string, Verdict[]> {
  return Object.fromEntries([...map].filter(([, v]) => v.length));
}
