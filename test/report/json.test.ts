// The JSON report round-trips, and reading refuses what this version cannot render: wrong version, wrong shape.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { UserError } from '../../src/errors.ts';
import { parseReport, readReport, renderJson, writeReport } from '../../src/report/json.ts';
import { renderReport } from '../../src/report/render.ts';
import { hostileReport, prReport } from './sample-reports.ts';

const dir = mkdtempSync(join(tmpdir(), 'preflight-json-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('write then read gives the same report, and render works on it in every format', () => {
  const path = join(dir, 'report.json');
  writeReport(path, hostileReport());
  const back = readReport(path);
  assert.deepEqual(back, JSON.parse(renderJson(hostileReport())));
  for (const format of ['text', 'json', 'markdown', 'sarif'] as const) assert.ok(renderReport(back, format).length > 100, format);
  assert.equal(renderReport(back, 'json'), renderJson(hostileReport()));
});

test('reading refuses other versions and foreign JSON with a UserError that says why', () => {
  const cases: [unknown, RegExp][] = [
    [{ ...prReport(), version: 2 }, /report version 2; this alembic-preflight reads version 1/],
    [{ hello: 'world' }, /no report version/],
    [[1, 2], /not a JSON object/],
    [{ ...prReport(), checks: [{ id: 'lint', status: 'great', findings: [] }] }, /checks\[0\] \(lint\) has status "great"/],
    [{ ...prReport(), checks: [{ id: 'lint', status: 'failed', findings: [{ code: 'x', message: 'y', severity: 'fatal' }] }] }, /findings\[0\] needs code, message and severity/],
    [{ ...prReport(), migrations: null }, /migrations is not a list/],
  ];
  for (const [data, why] of cases) {
    assert.throws(() => parseReport(JSON.stringify(data), 'r.json'), (e) => e instanceof UserError && why.test(e.message), String(why));
  }
  assert.throws(() => parseReport('{not json', 'r.json'), (e) => e instanceof UserError && /not valid JSON/.test(e.message));
  writeFileSync(join(dir, 'bad.json'), '{}');
  assert.throws(() => readReport(join(dir, 'missing.json')), (e) => e instanceof UserError && /ENOENT/.test(e.message));
});
