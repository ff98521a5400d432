// The PostgreSQL fixtures through postgres-docker for real (the locally built image, which behaves as the official
// postgres image does): each full check gives the same statuses and findings as on a private local cluster.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LABEL_PID } from '../../src/database/docker-containers.ts';
import type { Report } from '../../src/report/model.ts';
import { runCli } from '../support/cli.ts';
import { fixture, venvPython } from '../support/env.ts';
import { LOCAL_IMAGE, containersLabelled, dockerSkipReason } from './docker.ts';

// Passing, a downgrade leaving a trace, a migration failing half way (the other fixtures add no new path through Docker).
const FIXTURES = ['healthy', 'enum-left-behind', 'fails-halfway-pg'];

/** What a run concluded, without what differs by machine (timings, ports, server build). */
function outcome(report: Report): unknown {
  return {
    status: report.status,
    checks: report.checks.map((c) => ({ id: c.id, status: c.status, findings: c.findings.map((f) => `${f.code} ${f.revision ?? ''} ${f.file ?? ''}`).sort() })),
  };
}

for (const name of FIXTURES) {
  test(`${name}: postgres-docker gives what postgres-local gives`, async (t) => {
    const skip = await dockerSkipReason();
    if (skip) return t.skip(skip);
    const args = ['check', fixture(name), '--python', venvPython(), '--format', 'json', '--postgres-version', '15'];
    let pid = 0;
    const docker = await runCli([...args, '--database', 'postgres-docker', '--postgres-image', LOCAL_IMAGE], {
      onStderr: (_, child) => (pid = child.pid!),
    });
    const local = await runCli([...args, '--database', 'postgres-local']);
    assert.equal(docker.report!.environment.database?.provider, 'postgres-docker', docker.stderr);
    assert.equal(docker.code, local.code, `${docker.stderr}\n---\n${local.stderr}`);
    assert.deepEqual(outcome(docker.report!), outcome(local.report!));
    assert.deepEqual(containersLabelled(`${LABEL_PID}=${pid}`), []);
    t.diagnostic(`${name}: exit ${docker.code}, ${docker.report!.checks.map((c) => `${c.id} ${c.status}`).join(', ')}`);
  });
}
