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

test('rules have stable ids and their metadata from docs/rules; results are repo-relative with fingerprints', () => {
  const report = prReport();
  report.checks.find((c) => c.id === 'lint')!.findings[0]!.code = 'create-index-not-concurrently';
  const log = renderSarif(report, { pathPrefix: 'services/backend' });
  const run = log.runs[0]!;
  const ids = run.tool.driver.rules.map((r) => r.id);
  assert.deepEqual(ids, ['drift/missing-column', 'create-index-not-concurrently', 'adding-not-null-field']);
  const lint = run.tool.driver.rules.find((r) => r.id === 'create-index-not-concurrently')!;
  assert.equal(lint.name, 'CreateIndexNotConcurrently');
  assert.equal(lint.shortDescription.text, 'Index built without CONCURRENTLY on an existing table.');
  assert.match(lint.fullDescription.text, /^SQL lint: CREATE INDEX takes a SHARE lock on the table for the whole build\./);
  assert.equal(lint.helpUri, 'https://github.com/alembic-preflight/alembic-preflight/blob/v0.1.0/docs/rules/create-index-not-concurrently.md');
  assert.match(lint.help.markdown, /^Index built without CONCURRENTLY[\s\S]*## Safe alternative\n\n[\s\S]*postgresql_concurrently=True/);
  assert.ok(lint.help.markdown.includes('(https://github.com/alembic-preflight/alembic-preflight/blob/v0.1.0/docs/rules/README.md)'), 'relative links made absolute');
  const drift = run.tool.driver.rules.find((r) => r.id === 'drift/missing-column')!;
  assert.equal(drift.helpUri, 'https://github.com/alembic-preflight/alembic-preflight/blob/v0.1.0/docs/report.md#finding-codes');
  assert.match(drift.shortDescription.text, /^The models and the migrations differ/);
  const warning = run.results.find((r) => r.ruleId === 'create-index-not-concurrently')!;
  // Plain text: no Markdown fences; the hint's code indented instead.
  assert.doesNotMatch(warning.message.text, /```/);
  assert.match(warning.message.text, /\nFix: Build the index concurrently, outside the transaction:\n\n {4}with op\.get_context\(\)\.autocommit_block\(\):/);
  assert.equal(warning.level, 'warning');
  assert.equal(run.tool.driver.rules[warning.ruleIndex]!.id, warning.ruleId);
  assert.deepEqual(warning.locations[0]!.physicalLocation, {
    artifactLocation: { uri: 'services/backend/alembic/versions/2b3c4d5e6f70_add_email.py', uriBaseId: '%SRCROOT%' },
    region: { startLine: 21 },
  });
  assert.equal(run.results.find((r) => r.ruleId === 'adding-not-null-field')!.level, 'note');
  assert.equal(run.automationDetails.id, 'alembic-preflight/services/backend/');
  // The fingerprint ignores the line, so moving a finding does not make a new alert.
  const moved = structuredClone(report);
  moved.checks.find((c) => c.id === 'lint')!.findings[0]!.line = 99;
  const again = renderSarif(moved, { pathPrefix: 'services/backend' }).runs[0]!.results.find((r) => r.ruleId === 'create-index-not-concurrently')!;
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

/**
 * The checks of Microsoft's SARIF validator (Sarif.Multitool, its SARIF2xxx and GitHub GH1xxx rules) that can be
 * made without it: the validator is a .NET tool fetched from the network, which this test suite does not use.
 * GH1001/GH1003 locations and regions, GH1004 array limits, GH1005 relative URIs, GH1007 plain messages,
 * SARIF2001 messages end in a period, SARIF2005 tool properties, SARIF2012 rule help URIs, rule descriptions.
 */
export function validatorFindings(log: ReturnType<typeof renderSarif>, hostileInput = false): string[] {
  const problems: string[] = [];
  if (log.runs.length > 20) problems.push('GH1004: more than 20 runs');
  for (const run of log.runs) {
    const d = run.tool.driver;
    if (!d.name || !d.semanticVersion || !/^https:\/\//.test(d.informationUri)) problems.push('SARIF2005: tool name, semanticVersion and informationUri');
    if (run.results.length > 25_000 || d.rules.length > 25_000) problems.push('GH1004: more than 25,000 results or rules');
    for (const rule of d.rules) {
      const at = `rule ${rule.id}`;
      if (!/^[A-Z][A-Za-z0-9]*$/.test(rule.name)) problems.push(`SARIF2009: ${at} name "${rule.name}" is not PascalCase`);
      if (!/^https:\/\/github\.com\/alembic-preflight\/alembic-preflight\/blob\/v[\w.-]+\/docs\//.test(rule.helpUri)) problems.push(`SARIF2012: ${at} helpUri ${rule.helpUri}`);
      if (!rule.shortDescription.text.endsWith('.') || rule.shortDescription.text.length > 200) problems.push(`SARIF2001: ${at} shortDescription`);
      if (!rule.fullDescription.text.endsWith('.') || rule.fullDescription.text === rule.shortDescription.text) problems.push(`${at}: fullDescription`);
      if (!rule.help.text || !rule.help.markdown) problems.push(`${at}: help text and markdown`);
      if (rule.properties.tags.length > 20) problems.push(`GH1004: ${at} has more than 20 tags`);
    }
    for (const [i, r] of run.results.entries()) {
      const at = `result ${i} (${r.ruleId})`;
      if (d.rules[r.ruleIndex]?.id !== r.ruleId) problems.push(`${at}: ruleIndex`);
      // (A hostile report's own text is markup on purpose: there only what we add is checked.)
      if (!hostileInput && /```|<\/?[a-z][^>]*>/i.test(r.message.text)) problems.push(`GH1007: ${at} message is not plain text`);
      if (!/[.!?:]$/.test(r.message.text.split('\n')[0]!)) problems.push(`SARIF2001: ${at} message does not end with a period`);
      if (r.locations.length < 1 || r.locations.length > 1000) problems.push(`GH1001/GH1004: ${at} locations`);
      for (const l of r.locations) {
        const uri = l.physicalLocation.artifactLocation.uri;
        if (!uri || /^[a-z][\w+.-]*:/i.test(uri) || uri.startsWith('/')) problems.push(`GH1005: ${at} uri ${uri}`);
        const region = l.physicalLocation.region;
        if (region && !(Number.isInteger(region.startLine) && region.startLine >= 1)) problems.push(`GH1003: ${at} region`);
      }
      if (!Object.keys(r.partialFingerprints).length) problems.push(`${at}: partialFingerprints`);
    }
  }
  return problems;
}

test('no finding of the SARIF validator checks we can run here (GH1001-GH1007, SARIF2001/2005/2009/2012)', () => {
  for (const report of [prReport(), hugeReport()]) {
    assert.deepEqual(validatorFindings(renderSarif(report, { pathPrefix: 'services/backend' })), []);
  }
  assert.deepEqual(validatorFindings(renderSarif(hostileReport(), { pathPrefix: 'services/backend' }), true), []);
  // And the checks can fail: a bare rule, as before this version, is caught.
  const bare = renderSarif(prReport());
  bare.runs[0]!.tool.driver.rules[0]!.helpUri = 'https://example.invalid/placeholder';
  bare.runs[0]!.results[0]!.message.text = 'see ```code```';
  assert.deepEqual(validatorFindings(bare).map((p) => p.split(':')[0]), ['SARIF2012', 'GH1007', 'SARIF2001']);
});
