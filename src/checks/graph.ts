// The `graph` check: proves the revision graph is sound before anything touches a database.
// One head, one base, no cycles, no dangling or duplicate revisions, every file loads; merges and branch labels kept.

import type { GraphResult, RevisionRecord } from '../driver/protocol.ts';
import type { CheckResult, Finding, RevisionInfo } from '../report/model.ts';
import { withoutDriverFrames } from '../report/traceback.ts';

export interface GraphAnalysis {
  result: CheckResult;
  revisions: RevisionInfo[];
  /** Revisions in an order in which each comes after all it depends on (oldest first), or null when the graph
   * is too broken to walk (cycle, dangling or duplicate revision, a file that does not load). */
  order: string[] | null;
  heads: string[];
  bases: string[];
  byId: Map<string, RevisionRecord>;
}

export function analyseGraph(graph: GraphResult, isNew: (file: string) => boolean = () => false): GraphAnalysis {
  const started = Date.now();
  const findings: Finding[] = [];
  let walkable = true;

  for (const e of graph.loadErrors) {
    walkable = false;
    findings.push({
      code: 'graph/load-error',
      severity: 'error',
      message: `migration file ${e.file ?? '?'} does not load: ${e.message}`,
      file: e.file,
      line: e.line,
      revision: e.revision,
      details: e.traceback ? [withoutDriverFrames(e.traceback).trimEnd()] : undefined,
    });
  }

  // A file that does not load takes its revision out of the graph, so its children would look dangling and the
  // graph split: those would be echoes of the one real problem. Report the load errors alone.
  if (graph.loadErrors.length) {
    return {
      result: { id: 'graph', status: 'failed', durationMs: Date.now() - started, findings },
      revisions: [],
      order: null,
      heads: [],
      bases: [],
      byId: new Map(graph.revisions.map((r) => [r.revision, r])),
    };
  }

  const byId = new Map<string, RevisionRecord>();
  const duplicates = new Map<string, RevisionRecord[]>();
  for (const r of graph.revisions) {
    const seen = byId.get(r.revision);
    if (seen) duplicates.set(r.revision, [...(duplicates.get(r.revision) ?? [seen]), r]);
    else byId.set(r.revision, r);
  }
  for (const [id, records] of duplicates) {
    walkable = false;
    for (const r of records.slice(1)) {
      findings.push({
        code: 'graph/duplicate-revision',
        severity: 'error',
        message: `revision ${id} is declared by ${records.length} files: ${records.map((x) => x.file).join(', ')}`,
        revision: id,
        file: r.file,
        line: r.line ?? undefined,
        hint: 'Give one of them a new revision id (`alembic revision` generates one) and point its children at it.',
      });
    }
  }

  for (const r of byId.values()) {
    for (const [field, refs] of [['down_revision', r.downRevisions], ['depends_on', r.dependsOn]] as const) {
      for (const ref of refs) {
        if (byId.has(ref) || resolvesLabel(ref, byId)) continue;
        walkable = false;
        findings.push({
          code: 'graph/dangling-down-revision',
          severity: 'error',
          message: `revision ${r.revision} has ${field} = "${ref}", which no migration file declares`,
          revision: r.revision,
          file: r.file,
          line: r.line ?? undefined,
          hint: `Restore the migration that declares revision "${ref}", or point ${field} at an existing revision.`,
        });
      }
    }
  }

  const children = new Map<string, string[]>();
  for (const r of byId.values()) {
    for (const d of r.downRevisions) {
      if (!byId.has(d)) continue;
      const list = children.get(d);
      if (list) list.push(r.revision);
      else children.set(d, [r.revision]);
    }
  }
  const heads = [...byId.values()].filter((r) => !children.has(r.revision)).map((r) => r.revision).sort();
  const bases = [...byId.values()].filter((r) => r.downRevisions.length === 0).map((r) => r.revision).sort();

  const order = topologicalOrder(byId, isNew);
  if (!order.complete) {
    walkable = false;
    const cycle = findCycle(byId);
    const first = cycle[0] ? byId.get(cycle[0]) : undefined;
    findings.push({
      code: 'graph/cycle',
      severity: 'error',
      message: `the revision graph has a cycle: ${[...cycle, cycle[0]].join(' → ')}`,
      revision: cycle[0],
      file: first?.file,
      line: first?.line ?? undefined,
      details: cycle.map((id) => `${id}: ${byId.get(id)?.file} (down_revision ${byId.get(id)?.downRevisions.join(', ')})`),
      hint: 'A revision cannot be its own ancestor: fix the down_revision that points forward.',
    });
  }

  // A dangling down_revision splits the graph into pieces that look like extra heads: that "head" is the same
  // problem, and `alembic merge` would be wrong advice.
  const dangling = findings.some((f) => f.code === 'graph/dangling-down-revision');
  if (heads.length > 1 && order.complete && !dangling) {
    const files = heads.map((h) => `${h} (${byId.get(h)?.file})`);
    const last = byId.get(heads[heads.length - 1]!);
    findings.push({
      code: 'graph/multiple-heads',
      severity: 'error',
      message: `the migrations have ${heads.length} heads: ${files.join(', ')}`,
      revision: heads.join(','),
      file: last?.file,
      line: last?.line ?? undefined,
      hint: `Two branches were created on the same parent (often two pull requests). Merge them:\n\n\`\`\`sh\nalembic merge -m "merge heads" ${heads.join(' ')}\n\`\`\``,
    });
  }
  if (bases.length > 1) {
    const labelled = bases.every((b) => (byId.get(b)?.branchLabels.length ?? 0) > 0);
    findings.push({
      code: 'graph/multiple-bases',
      severity: labelled ? 'notice' : 'error',
      message: `the migrations have ${bases.length} bases: ${bases.map((b) => `${b} (${byId.get(b)?.file})`).join(', ')}`,
      revision: bases.join(','),
      file: byId.get(bases[0]!)?.file,
      hint: labelled
        ? 'Independent branches with branch labels: upgrade them with `alembic upgrade heads`.'
        : 'Only the first migration may have down_revision = None: point the others at their parent.',
    });
  }

  const headSet = new Set(heads);
  const revisions: RevisionInfo[] = [...byId.values()].map((r) => ({
    revision: r.revision,
    downRevisions: r.downRevisions,
    dependsOn: r.dependsOn,
    branchLabels: r.branchLabels,
    file: r.file,
    message: r.message,
    isHead: headSet.has(r.revision),
    isBase: r.downRevisions.length === 0,
    isMerge: r.downRevisions.length > 1,
  }));
  if (order.complete) {
    const rank = new Map(order.ids.map((id, i) => [id, i]));
    revisions.sort((a, b) => rank.get(a.revision)! - rank.get(b.revision)!);
  }

  const failed = findings.some((f) => f.severity === 'error');
  return {
    result: { id: 'graph', status: failed ? 'failed' : 'passed', durationMs: Date.now() - started, findings },
    revisions,
    order: walkable ? order.ids : null,
    heads,
    bases,
    byId,
  };
}

function resolvesLabel(ref: string, byId: Map<string, RevisionRecord>): boolean {
  for (const r of byId.values()) if (r.branchLabels.includes(ref)) return true;
  return false;
}

/** Kahn's algorithm; among ready revisions, the base branch's before the PR's, then by file name: deterministic. */
function topologicalOrder(byId: Map<string, RevisionRecord>, isNew: (file: string) => boolean): { ids: string[]; complete: boolean } {
  const pending = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const r of byId.values()) {
    const deps = [...new Set([...r.downRevisions, ...r.dependsOn])].filter((d) => byId.has(d));
    pending.set(r.revision, deps.length);
    for (const d of deps) {
      const list = dependents.get(d);
      if (list) list.push(r.revision);
      else dependents.set(d, [r.revision]);
    }
  }
  const key = (id: string) => {
    const r = byId.get(id)!;
    return `${isNew(r.file) ? 1 : 0}\u0000${r.file}\u0000${id}`;
  };
  const ready = [...pending].filter(([, n]) => n === 0).map(([id]) => id);
  const ids: string[] = [];
  while (ready.length) {
    ready.sort((a, b) => (key(a) < key(b) ? -1 : 1));
    const id = ready.shift()!;
    ids.push(id);
    for (const child of dependents.get(id) ?? []) {
      const n = pending.get(child)! - 1;
      pending.set(child, n);
      if (n === 0) ready.push(child);
    }
  }
  return { ids, complete: ids.length === byId.size };
}

/** A cycle through down_revision links, found with an explicit stack (a 10,000-revision cycle must not overflow
 * the call stack): iterative depth-first search, revisions in sorted order for a deterministic answer. */
function findCycle(byId: Map<string, RevisionRecord>): string[] {
  const state = new Map<string, 'visiting' | 'done'>();
  for (const root of [...byId.keys()].sort()) {
    if (state.has(root)) continue;
    // path[i] is a revision being visited; next[i] the index of its next down_revision to look at.
    const path: string[] = [root];
    const next: number[] = [0];
    state.set(root, 'visiting');
    while (path.length) {
      const top = path.length - 1;
      const id = path[top]!;
      const downs = byId.get(id)?.downRevisions ?? [];
      const i = next[top]!;
      if (i >= downs.length) {
        state.set(id, 'done');
        path.pop();
        next.pop();
        continue;
      }
      next[top] = i + 1;
      const d = downs[i]!;
      if (!byId.has(d)) continue;
      if (state.get(d) === 'visiting') return path.slice(path.indexOf(d)).reverse();
      if (!state.has(d)) {
        state.set(d, 'visiting');
        path.push(d);
        next.push(0);
      }
    }
  }
  return [];
}
