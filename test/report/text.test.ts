// The terminal report: golden output, colours only when asked (--color, NO_COLOR, FORCE_COLOR, through the real
// CLI), one line per finding with --compact, a long hint once, the run's error once, control characters harmless.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { renderText, resolveColor } from '../../src/report/text.ts';
import { withoutDriverFrames } from '../../src/report/traceback.ts';
import { runCli } from '../support/cli.ts';
import { assertGolden } from './golden-file.ts';
import { prReport } from './sample-reports.ts';

test('the terminal report lists checks, then findings ranked, then the result', () => {
  const text = renderText(prReport());
  assertGolden('pr-report.txt', text);
  assert.ok(!text.includes('\u001b['), 'no colours unless asked');
  assert.ok(text.indexOf('drift/missing-column') < text.indexOf('require-concurrent-index'), 'errors before warnings');
  assert.match(text, /backend\/alembic\/versions\/2b3c4d5e6f70_add_email\.py:21/, 'paths from where the tool ran');
  assert.doesNotMatch(text, /```/, 'Markdown fences are not printed raw');
  assert.match(text, /\n {14}with op\.get_context\(\)\.autocommit_block\(\):\n/, 'hint code indented');
  assert.match(text.trimEnd().split('\n').at(-1)!, /^Result: FAILED · 1 error, 1 warning, 1 notice · 8\.4 s$/);
  assert.ok(renderText(prReport(), { color: true }).includes('\u001b[31m'));
});

test('colour: --color wins, then NO_COLOR, then FORCE_COLOR, then the terminal', () => {
  assert.equal(resolveColor('auto', {}, true), true);
  assert.equal(resolveColor('auto', {}, false), false);
  assert.equal(resolveColor('auto', { NO_COLOR: '1' }, true), false);
  assert.equal(resolveColor('auto', { FORCE_COLOR: '1' }, false), true);
  assert.equal(resolveColor('auto', { FORCE_COLOR: '0' }, true), false);
  assert.equal(resolveColor('auto', { NO_COLOR: '1', FORCE_COLOR: '1' }, false), false);
  assert.equal(resolveColor('always', { NO_COLOR: '1' }, false), true);
  assert.equal(resolveColor('never', { FORCE_COLOR: '1' }, true), false);
});

test('the real CLI honours NO_COLOR, FORCE_COLOR and --color (render of a saved report)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-color-'));
  try {
    const file = join(dir, 'report.json');
    writeFileSync(file, JSON.stringify(prReport()));
    const colored = async (args: string[], env: NodeJS.ProcessEnv) => {
      const run = await runCli(['render', file, ...args], { env: { NO_COLOR: '', FORCE_COLOR: '', ...env } });
      assert.equal(run.code, 0, run.stderr);
      return run.stdout.includes('\u001b[');
    };
    assert.equal(await colored([], {}), false, 'a pipe: no colour');
    assert.equal(await colored([], { FORCE_COLOR: '1' }), true);
    assert.equal(await colored([], { FORCE_COLOR: '1', NO_COLOR: '1' }), false);
    assert.equal(await colored(['--color', 'always'], { NO_COLOR: '1' }), true);
    assert.equal(await colored(['--color', 'never'], { FORCE_COLOR: '1' }), false);
    const compact = await runCli(['render', file, '--compact'], { env: { NO_COLOR: '1' } });
    assert.match(compact.stdout, /^warning require-concurrent-index  backend\/alembic\/versions\/2b3c4d5e6f70_add_email\.py:21  CREATE INDEX without/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--compact: one line per finding, no hints, details or SQL', () => {
  const text = renderText(prReport(), { compact: true });
  const lines = text.split('\n').filter((l) => /^(error|warning|notice) /.test(l));
  assert.equal(lines.length, 3);
  assert.doesNotMatch(text, /hint:|SQL:|op\.create_index/);
});

test('a long hint is printed once per run with "and N more like this"; the others point back to it', () => {
  const report = prReport();
  const long = `Set a lock_timeout:\n\n\`\`\`python\n${Array.from({ length: 8 }, (_, i) => `line_${i} = ${i}`).join('\n')}\n\`\`\``;
  for (const line of [30, 31, 32]) {
    report.checks.find((c) => c.id === 'lint')!.findings.push({
      code: 'missing-lock-timeout', severity: 'warning', message: `m${line}`, revision: '2b3c4d5e6f70', file: 'alembic/versions/x.py', line, hint: long,
    });
  }
  const text = renderText(report);
  assert.equal(text.split('line_7 = 7').length - 1, 1);
  assert.match(text, /\(and 2 more like this\)/);
  assert.equal(text.split('hint: as for missing-lock-timeout at backend/alembic/versions/x.py:30').length - 1, 2);
});

test('the error that stopped the run is printed once; driver frames are hidden from tracebacks', () => {
  const report = prReport();
  report.status = 'error';
  report.error = { kind: 'user', message: 'migration file x.py does not load: SyntaxError', file: 'x.py', line: 3 };
  report.checks[1]!.findings.push({ code: 'graph/load-error', severity: 'error', message: report.error.message, file: 'x.py', line: 3 });
  assert.equal(renderText(report).split('does not load: SyntaxError').length - 1, 1);
  report.checks[1]!.findings.pop();
  assert.equal(renderText(report).split('does not load: SyntaxError').length - 1, 1, 'said once when no finding says it');
  const tb = [
    'Traceback (most recent call last):',
    '  File "/opt/preflight/dist/preflight_driver/graph.py", line 110, in do_graph',
    '    tree = ast.parse(source, path)',
    '  File "/usr/lib/python3.11/ast.py", line 50, in parse',
    '    return compile(source, filename, mode, flags,',
    '  File "/p/migrations/versions/x.py", line 25',
    '    op.add_column(',
    '                 ^',
    "SyntaxError: '(' was never closed",
  ].join('\n');
  assert.equal(withoutDriverFrames(tb), [tb.split('\n')[0], ...tb.split('\n').slice(5)].join('\n'));
});

test('escape sequences in migration text cannot drive the terminal', () => {
  const report = prReport();
  report.checks[0]!.findings.push({ code: 'x', severity: 'notice', message: 'clear \u001b[2J screen\u0007', hint: 'a\u001b]0;title\u0007' });
  const text = renderText(report);
  assert.ok(!text.includes('\u001b'));
  assert.ok(!text.includes('\u0007'));
  assert.match(text, /clear \\x1b\[2J screen\\x07/);
});
