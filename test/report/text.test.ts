// The terminal report: golden output, colours only when asked, and control characters made harmless.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderText } from '../../src/report/text.ts';
import { assertGolden } from './golden-file.ts';
import { prReport } from './sample-reports.ts';

test('the terminal report lists checks, then findings ranked, then the result', () => {
  const text = renderText(prReport());
  assertGolden('pr-report.txt', text);
  assert.ok(!text.includes('\u001b['), 'no colours unless asked');
  assert.ok(text.indexOf('drift/missing-column') < text.indexOf('require-concurrent-index'), 'errors before warnings');
  assert.match(text, /backend\/alembic\/versions\/2b3c4d5e6f70_add_email\.py:21/, 'paths from where the tool ran');
  assert.match(text.trimEnd().split('\n').at(-1)!, /^Result: FAILED · 1 error, 1 warning, 1 notice · 8\.4 s$/);
  assert.ok(renderText(prReport(), { color: true }).includes('\u001b[31m'));
});

test('escape sequences in migration text cannot drive the terminal', () => {
  const report = prReport();
  report.checks[0]!.findings.push({ code: 'x', severity: 'notice', message: 'clear \u001b[2J screen\u0007', hint: 'a\u001b]0;title\u0007' });
  const text = renderText(report);
  assert.ok(!text.includes('\u001b'));
  assert.ok(!text.includes('\u0007'));
  assert.match(text, /clear \\x1b\[2J screen\\x07/);
});
