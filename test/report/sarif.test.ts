// The SARIF reporter validated against the SARIF 2.1.0 JSON schema (test/report/sarif-schema-2.1.0.json, from the
// npm package @microsoft/sarif-multitool-linux 5.7.0, file sarif-2.1.0.json) with ajv, plus what code scanning needs.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { renderSarif } from '../../src/report/sarif.ts';
import { repoRoot } from '../support/env.ts';
import { hostileReport, hugeReport, prReport } from './sample-reports.ts';

const vendored = join(repoRoot, 'test/report/sarif-schema-2.1.0.json');
// When the lead adds the package as a devDependency, the schema is read from it (and must equal the vendored copy).
const packaged = join(repoRoot, 'node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json');
const schema = JSON.parse(readFileSync(existsSync(packaged) ? packaged : vendored, 'utf8')) as Record<string, unknown>;

function validator() {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  // ajv-formats is not a dependency: these four formats are all the schema uses, checked for real.
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  ajv.addFormat('uri-reference', (s: string) => URL.canParse(s, 'https://example.invalid/base/') && !/\s/.test(s));
  ajv.addFormat('date-time', (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s) && !Number.isNaN(Date.parse(s)));
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  return ajv.compile(schema);
}

test('the schema is the real one and it rejects an invalid log', () => {
  assert.equal(schema.title, 'Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema');
  if (existsSync(packaged)) assert.deepEqual(schema, JSON.parse(readFileSync(vendored, 'utf8')));
  const validate = validator();
  assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] }), false, 'driver.name is required');
  assert.equal(validate({ version: '2.0.0', runs: [] }), false);
});

test('SARIF for plain, hostile and large reports validates against SARIF 2.1.0', () => {
  const validate = validator();
  for (const report of [prReport(), hostileReport(), hugeReport()]) {
    const log = renderSarif(report, { pathPrefix: 'services/backend' });
    const ok = validate(JSON.parse(JSON.stringify(log)));
    assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
  }
});

test('rules have stable ids, lint rules link their docs, results are repo-relative with fingerprints', () => {
  const log = renderSarif(prReport(), { pathPrefix: 'services/backend' });
  const run = log.runs[0]!;
  const ids = run.tool.driver.rules.map((r) => r.id);
  assert.deepEqual(ids, ['drift/missing-column', 'require-concurrent-index', 'adding-not-null-field']);
  const lint = run.tool.driver.rules.find((r) => r.id === 'require-concurrent-index')!;
  assert.match(lint.helpUri!, /docs\/rules\/require-concurrent-index\.md$/);
  assert.equal(run.tool.driver.rules.find((r) => r.id === 'drift/missing-column')!.helpUri, undefined);
  const warning = run.results.find((r) => r.ruleId === 'require-concurrent-index')!;
  assert.equal(warning.level, 'warning');
  assert.equal(run.tool.driver.rules[warning.ruleIndex]!.id, warning.ruleId);
  assert.deepEqual(warning.locations[0]!.physicalLocation, {
    artifactLocation: { uri: 'services/backend/alembic/versions/2b3c4d5e6f70_add_email.py', uriBaseId: '%SRCROOT%' },
    region: { startLine: 21 },
  });
  assert.equal(run.results.find((r) => r.ruleId === 'adding-not-null-field')!.level, 'note');
  assert.equal(run.automationDetails.id, 'alembic-preflight/services/backend/');
  // The fingerprint ignores the line, so moving a finding does not make a new alert.
  const moved = prReport();
  moved.checks.find((c) => c.id === 'lint')!.findings[0]!.line = 99;
  const again = renderSarif(moved, { pathPrefix: 'services/backend' }).runs[0]!.results.find((r) => r.ruleId === 'require-concurrent-index')!;
  assert.deepEqual(again.partialFingerprints, warning.partialFingerprints);
});

test('every result has a location, even findings without a file of their own', () => {
  const report = prReport();
  report.checks.push({ id: 'roundtrip', status: 'failed', durationMs: 1, findings: [
    { code: 'roundtrip/schema-differs', severity: 'error', message: 'the schema after head → base → head differs' },
    { code: 'stairway/downgrade-leaves-trace', severity: 'error', message: 'enum left behind', revision: '2b3c4d5e6f70' },
  ] });
  const run = renderSarif(report, { pathPrefix: '.' }).runs[0]!;
  for (const r of run.results) assert.ok(r.locations[0]!.physicalLocation.artifactLocation.uri.length > 0);
  assert.equal(run.results.find((r) => r.ruleId === 'roundtrip/schema-differs')!.locations[0]!.physicalLocation.artifactLocation.uri, 'alembic.ini');
  assert.equal(run.results.find((r) => r.ruleId === 'stairway/downgrade-leaves-trace')!.locations[0]!.physicalLocation.artifactLocation.uri,
    'alembic/versions/2b3c4d5e6f70_add_email.py');
});
