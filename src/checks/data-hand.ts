// The hand-written part of the `data` check ([tool.alembic-preflight.data], config-data.ts; the driver's
// data_hand.py): a seed that fails and an assertion that fails are errors, each naming the file and the revision,
// an SQL assertion's offending rows shown; every assertion's result, passed ones too, is one line of the check's
// summary (text, JSON and the PR comment).

import type { DataConfig, DataScript } from '../config-data.ts';
import type { HandRun, RevisionRecord } from '../driver/protocol.ts';
import type { Finding } from '../report/model.ts';
import { count } from '../report/wording.ts';
import type { WalkResult } from './walk.ts';

export interface HandOutcome {
  findings: Finding[];
  /** One line per seed that did not go in and per assertion: what it found. */
  summary: string[];
  asserts: { passed: number; total: number };
}

function fileOf(script: DataScript | undefined, hand: DataConfig): string | undefined {
  if (script?.kind === 'rows') return hand.shownFile;
  if (!script?.path) return undefined;
  return script.kind === 'python' ? script.name.replace(/:[A-Za-z_][A-Za-z0-9_]*$/, '') : script.name;
}

/** The query as the finding shows it: without its comment lines (the text reporter prints it on one line). */
function shownSql(script: DataScript): { sql?: string } {
  const sql = script.kind === 'sql' ? (script.sql ?? '').split('\n').filter((l) => !l.trim().startsWith('--')).join('\n').trim() : '';
  return sql ? { sql } : {};
}

function rowLines(run: HandRun, show: (row: Record<string, unknown>) => string): string[] {
  const rows = run.rows ?? [];
  const more = (run.count ?? rows.length) - rows.length;
  return [...rows.map((r) => `offending row: ${show(r)}`), ...(more > 0 ? [`and ${count(more, 'more row')}`] : [])];
}

export function handOutcome(walk: WalkResult, byId: Map<string, RevisionRecord>, hand: DataConfig,
  show: (row: Record<string, unknown>) => string): HandOutcome {
  const findings: Finding[] = [];
  const summary: string[] = [];
  let passed = 0;
  let total = 0;
  const walked = new Map(walk.revisions.map((r) => [r.revision, r]));
  for (const [revision, spec] of Object.entries(hand.revisions)) {
    const record = byId.get(revision);
    const results = walked.get(revision)?.data?.hand;
    const seeds = results?.seeds ?? [];
    spec.seed.forEach((script, i) => {
      const run = seeds[i];
      if (run && !run.ok && run.error) {
        summary.push(`revision ${revision}: seed ${script.name} failed: ${run.error}`);
        findings.push({
          code: 'data/seed-fails',
          severity: 'error',
          message: `the seed ${script.name} of revision ${revision} fails before its upgrade: ${run.error}`,
          revision,
          file: fileOf(script, hand) ?? record?.file,
          ...shownSql(script),
          hint: 'The seed runs on the schema as it stands before this revision (every revision before it upgraded): ' +
            'write its rows for that schema, or name it under the revision that makes its tables.',
        });
      } else if (run?.skipped) {
        summary.push(`revision ${revision}: seed ${script.name} not run (${run.skipped})`);
      }
    });
    const runs = results?.asserts ?? [];
    spec.assert.forEach((script, i) => {
      total++;
      const run = runs[i];
      if (!run) {
        summary.push(`revision ${revision}: assertion ${script.name} not run (the walk did not get past this upgrade)`);
        return;
      }
      if (run.ok) {
        passed++;
        summary.push(`revision ${revision}: assertion ${script.name} passed`);
        return;
      }
      if (run.skipped) {
        summary.push(`revision ${revision}: assertion ${script.name} not run (${run.skipped})`);
        return;
      }
      const what = run.count !== undefined ? `returned ${count(run.count, 'offending row')}` : run.error ?? 'failed';
      summary.push(`revision ${revision}: assertion ${script.name} failed: ${what}`);
      findings.push({
        code: 'data/assertion-fails',
        severity: 'error',
        message: `assertion ${script.name} fails after the upgrade of revision ${revision}: ${what}`,
        revision,
        file: fileOf(script, hand) ?? record?.file,
        ...shownSql(script),
        details: rowLines(run, show),
        evidence: { assertion: script.name, ...(run.count !== undefined ? { count: run.count, rows: run.rows } : { error: run.error }) },
        hint: script.kind === 'sql'
          ? 'The query returns the rows that break the expectation: fix the migration (its UPDATE or backfill) so that none is left.'
          : 'The check raised AssertionError on the data as the upgrade left it: fix the migration, or the expectation.',
      });
    });
  }
  return { findings, summary, asserts: { passed, total } };
}
