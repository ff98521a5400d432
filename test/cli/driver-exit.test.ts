// The driver leaves without the interpreter's teardown (0.3-0.4 s after a walk), but the project's exit hooks still
// run as after a plain `alembic` command: a temporary directory an app module makes at import and removes at exit
// (atexit, and TemporaryDirectory's weakref.finalize) is gone when the run ends.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../support/cli.ts';
import { fixture, venvPython } from '../support/env.ts';

test("the project's atexit hooks and finalizers run when the driver leaves", async () => {
  const work = mkdtempSync(join(tmpdir(), 'preflight-exit-'));
  try {
    const dir = join(work, 'p');
    cpSync(fixture('healthy'), dir, { recursive: true });
    const marks = join(work, 'marks');
    const init = join(dir, 'app', '__init__.py');
    writeFileSync(init, `${readFileSync(init, 'utf8')}
import atexit as _atexit, os as _os, shutil as _shutil, tempfile as _tempfile
_CACHE = _tempfile.mkdtemp(prefix="cache-", dir=${JSON.stringify(work)})
_atexit.register(_shutil.rmtree, _CACHE, True)
_TMP = _tempfile.TemporaryDirectory(prefix="tmpdir-", dir=${JSON.stringify(work)})
with open(${JSON.stringify(marks)}, "a") as _f:
    _f.write(_CACHE + "\\n" + _TMP.name + "\\n")
`);
    const run = await runCli(['check', dir, '--database', 'sqlite', '--python', venvPython(), '--checks', 'upgrade,drift', '--format', 'json']);
    assert.equal(run.code, 0, run.stderr.slice(-2000));
    const made = readFileSync(marks, 'utf8').split('\n').filter(Boolean);
    assert.ok(made.length >= 2, 'the app module was imported');
    assert.deepEqual(made.filter((d) => existsSync(d)), [], 'every directory the app made is removed at exit');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
