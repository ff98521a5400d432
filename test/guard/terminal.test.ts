// Issue 10 item 11, against dist/: migration text with terminal control sequences (clear screen, a fake green
// PASSED, a window title, a one-byte C1 CSI, a bidi override) reaches no terminal raw: text and JSON on stdout,
// logs on stderr.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, test } from 'node:test';
import { runCli } from '../support/cli.ts';
import { venvPython } from '../support/env.ts';
import { hostileProject, workDir } from './support.ts';

const work = workDir('terminal');
after(() => rmSync(work, { recursive: true, force: true }));

const EVIL = '\\x1b[2J\\x1b[H\\x1b]0;pwned\\x07\\x1b[32mPASSED\\x1b[0m \\u009b31m \\u202e';
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

test('ESC, C1 and bidi characters in migration output, SQL and errors are shown escaped on stdout and stderr', async () => {
  const dir = hostileProject(work, 'evil', [
    `    print('${EVIL}', flush=True)`,
    `    print('${EVIL}', file=sys.stderr, flush=True)`,
    `    op.execute("SELECT 1 -- ${EVIL}")`,
    `    raise RuntimeError('${EVIL}')`,
  ].join('\n'));
  for (const format of ['json', 'text']) {
    const run = await runCli(['check', dir, '--database', 'sqlite', '--python', venvPython(), '--format', format, '-v'], { dist: true });
    assert.equal(run.code, 1, run.stderr);
    const raw = RAW.exec(run.stdout) ?? RAW.exec(run.stderr);
    assert.equal(raw, null, `raw U+${raw?.[0].charCodeAt(0).toString(16)} printed (${format})`);
    assert.match(run.stderr, /\\x1b\[2J/);
    assert.match(run.stdout, format === 'json' ? /\\u001b\[32mPASSED/ : /\\x1b\[32mPASSED/);
    if (format === 'json') assert.match(JSON.parse(run.stdout).checks.map((c: { findings: unknown[] }) => JSON.stringify(c.findings)).join(''), /\\u001b/);
  }
});
