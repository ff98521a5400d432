// getInputs reads the INPUT_* variables the runner sets (with action.yml's defaults) into one typed object;
// the secrets among them are registered with the runner; toRawOptions feeds resolveConfig like CLI flags.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { resolveConfig } from '../../src/config.ts';
import { UserError } from '../../src/errors.ts';
import { getInputs, getRunContext, maskSecrets, runUrl, toRawOptions } from '../../src/action/inputs.ts';
import { repoRoot } from '../support/env.ts';

/** action.yml's inputs and defaults, read from the file itself (no YAML parser needed for this flat shape). */
function actionDefaults(): Record<string, string> {
  const text = readFileSync(join(repoRoot, 'action.yml'), 'utf8');
  const inputs = text.slice(text.indexOf('\ninputs:'), text.indexOf('\noutputs:'));
  const out: Record<string, string> = {};
  let name = '';
  for (const line of inputs.split('\n')) {
    const key = /^ {2}([a-z-]+):\s*$/.exec(line);
    if (key) name = key[1]!;
    const def = /^ {4}default:\s*(.*)$/.exec(line);
    if (def && name) out[name] = def[1]!.replace(/^'(.*)'$/, '$1');
  }
  return out;
}

const saved = { ...process.env };
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

function setInputs(values: Record<string, string>): void {
  for (const [k, v] of Object.entries(values)) process.env[`INPUT_${k.toUpperCase()}`] = v;
}

test('action.yml defaults give the documented typed inputs', () => {
  const defaults = actionDefaults();
  assert.equal(defaults['github-token'], '${{ github.token }}');
  delete defaults['github-token'];
  setInputs(defaults);
  const inputs = getInputs();
  assert.deepEqual(inputs, {
    workingDirectory: '.', config: undefined, name: undefined, python: undefined, database: undefined,
    postgresVersion: undefined, postgresImage: undefined, envVars: undefined, flaskApp: undefined, checks: undefined, mode: 'auto',
    stairwayScope: undefined, minDowngradeRevision: undefined, databaseUrl: undefined, failOn: undefined,
    comment: 'changes', suggestions: false, annotations: true, sarif: undefined, report: undefined, githubToken: undefined, driftIssue: true,
    driftIssueLabel: 'alembic-preflight-drift', reportFile: undefined, prNumber: undefined, verbose: false,
    stepTimeout: undefined, databaseUrlEnv: undefined, maxLockSeconds: undefined, tableSizesFrom: undefined,
  });
});

test('max-lock-seconds and table-sizes-from reach resolveConfig as the flags do', () => {
  setInputs({ 'max-lock-seconds': ' 5 ', 'table-sizes-from': 'artifacts/drift.json' });
  const raw = toRawOptions(getInputs(), 'pr');
  assert.equal(raw.maxLockSeconds, '5');
  assert.equal(raw.tableSizesFrom, 'artifacts/drift.json');
});

test('values are read, trimmed and checked; bad ones are UserErrors naming the input', () => {
  setInputs({ 'working-directory': ' api ', mode: 'pr', comment: 'false', 'pr-number': '12', checks: 'graph,lint' });
  const inputs = getInputs();
  assert.equal(inputs.workingDirectory, 'api');
  assert.equal(inputs.mode, 'pr');
  assert.equal(inputs.comment, 'never', 'false, from before the modes, means never');
  assert.equal(inputs.prNumber, 12);
  for (const [given, mode] of [['always', 'always'], ['Never', 'never'], ['changes', 'changes'], ['true', 'changes']] as const) {
    setInputs({ comment: given });
    assert.equal(getInputs().comment, mode);
  }
  setInputs({ suggestions: 'true' });
  assert.equal(getInputs().suggestions, true);
  setInputs({ mode: 'sometimes' });
  assert.throws(() => getInputs(), (e) => e instanceof UserError && e.where.input === 'mode');
  setInputs({ mode: 'pr', comment: 'maybe' });
  assert.throws(() => getInputs(), (e) => e instanceof UserError && e.where.input === 'comment');
  setInputs({ comment: 'true', 'pr-number': '-3' });
  assert.throws(() => getInputs(), (e) => e instanceof UserError && e.where.input === 'pr-number');
});

test('database URLs and their passwords are registered as secrets', (t) => {
  const out: string[] = [];
  t.mock.method(process.stdout, 'write', (chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  try {
    setInputs({ 'database-url': 'postgresql://ro:s%40cret@db.internal:5432/prod', database: 'postgresql://u:pw2@127.0.0.1/postgres' });
    maskSecrets(getInputs());
  } finally {
    t.mock.restoreAll();
  }
  const masks = out.join('').split('\n').filter((l) => l.startsWith('::add-mask::'))
    // Workflow-command data is escaped (% → %25, newlines → %0A); the runner undoes it.
    .map((l) => l.slice('::add-mask::'.length).replaceAll('%0D', '\r').replaceAll('%0A', '\n').replaceAll('%25', '%'));
  for (const secret of ['postgresql://ro:s%40cret@db.internal:5432/prod', 's%40cret', 's@cret', 'pw2']) assert.ok(masks.includes(secret), secret);
});

test('run context and the run URL come from the GITHUB_* variables', () => {
  const ctx = getRunContext({ GITHUB_WORKSPACE: '/w', GITHUB_REPOSITORY: 'acme/shop', GITHUB_RUN_ID: '99', GITHUB_SERVER_URL: 'https://ghe.example/', GITHUB_RUN_ATTEMPT: '2' });
  assert.equal(runUrl(ctx), 'https://ghe.example/acme/shop/actions/runs/99/attempts/2');
  assert.equal(ctx.apiUrl, 'https://api.github.com');
  assert.equal(runUrl(getRunContext({})), undefined);
});

test('toRawOptions feeds resolveConfig: the project directory is relative to the workspace', async () => {
  setInputs({ 'working-directory': 'fixtures/healthy', 'fail-on': 'warning', 'env-vars': 'DATABASE_URL,DB_URL' });
  const pr = { baseRef: 'main', newFiles: ['alembic/versions/b.py'], modifiedFiles: [] };
  const config = await resolveConfig(toRawOptions(getInputs(), 'pr', pr), repoRoot);
  assert.equal(config.projectDir, join(repoRoot, 'fixtures/healthy'));
  assert.equal(config.mode, 'pr');
  assert.equal(config.failOn, 'warning');
  assert.deepEqual(config.envVars, ['DATABASE_URL', 'DB_URL']);
  assert.deepEqual(config.pr, pr);
  assert.equal(config.stairwayScope, 'new');
  assert.ok(config.checks.includes('pr-migrations'));
});
