// The corpus of real projects: each corpus/<project>/ names a PyPI package that ships its Alembic migrations, how to
// lay them out as a project a new user would check, the CLI invocation (documented options only), and the verdict
// plain Alembic shows (expected.json, reviewed by hand; expected.md says how). This script installs each project in
// a cached venv (.cache/corpus/<project>/venv), runs dist/cli.js on it, and compares.
//
//   node scripts/corpus.mjs [--quick] [--only name,name] [--cli path/to/cli.js] [--keep] [--json summary.json]
//
// Prints each project's verdict, run time and every mismatch; exits 1 on any mismatch, 2 when a project cannot be
// set up (install or setup command failed).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const corpusDir = process.env.PREFLIGHT_CORPUS_DIR ? resolve(process.env.PREFLIGHT_CORPUS_DIR) : join(root, 'corpus');
const cacheDir = process.env.PREFLIGHT_CORPUS_CACHE ?? join(root, '.cache', 'corpus');

function parseArgs(argv) {
  const opts = { quick: false, only: null, cli: join(root, 'dist', 'cli.js'), keep: false, json: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') opts.quick = true;
    else if (a === '--keep') opts.keep = true;
    else if (a === '--only') opts.only = argv[++i].split(',');
    else if (a === '--cli') opts.cli = resolve(argv[++i]);
    else if (a === '--json') opts.json = resolve(argv[++i]);
    else if (a === '--help' || a === '-h') {
      console.log('node scripts/corpus.mjs [--quick] [--only name,name] [--cli dist/cli.js] [--keep] [--json summary.json]');
      process.exit(0);
    } else {
      console.error(`unknown argument ${a}`);
      process.exit(2);
    }
  }
  return opts;
}

export function loadProjects() {
  return readdirSync(corpusDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(corpusDir, d.name, 'project.json')))
    .map((d) => {
      const dir = join(corpusDir, d.name);
      const manifest = JSON.parse(readFileSync(join(dir, 'project.json'), 'utf8'));
      const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
      return { ...manifest, name: manifest.name ?? d.name, dir, expected };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

function sh(cmd, env, cwd, log) {
  const r = spawnSync('bash', ['-euo', 'pipefail', '-c', cmd], { env, cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (log) writeFileSync(log, `$ ${cmd}\n${r.stdout}\n${r.stderr}\n`, { flag: 'a' });
  if (r.status !== 0) throw new Error(`\`${cmd}\` exited ${r.status}:\n${(r.stderr || r.stdout).slice(-3000)}`);
  return r.stdout;
}

/** The project's venv, made once per pip line (a stamp file records it). */
function ensureVenv(project, base, log) {
  const venv = join(base, 'venv');
  const python = join(venv, 'bin', 'python');
  const stamp = join(base, 'venv.stamp');
  const want = JSON.stringify({ python: project.python ?? 'python3', pip: project.pip });
  if (existsSync(python) && existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return { python, installed: false };
  rmSync(venv, { recursive: true, force: true });
  mkdirSync(base, { recursive: true });
  const quoted = project.pip.map((p) => `'${p}'`).join(' ');
  sh(`${project.python ?? 'python3'} -m venv '${venv}'`, process.env, base, log);
  sh(`'${python}' -m pip install --quiet --disable-pip-version-check ${quoted}`, process.env, base, log);
  writeFileSync(stamp, want);
  return { python, installed: true };
}

function substitute(value, vars) {
  return value.replace(/\$\{?(WORK|PYTHON|VENV|SITE|CACHE)\}?/g, (_, k) => vars[k]);
}

function runCli(cli, args, env, cwd, timeoutMs) {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [cli, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: false });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

/** The findings that count: errors and warnings (lint: errors only, unless the check's expectation names warnings). */
function counted(check, expectation) {
  const severities = expectation?.severities ?? (check.id === 'lint' ? ['error'] : ['error', 'warning']);
  return check.findings.filter((f) => severities.includes(f.severity));
}

function findingMatches(f, e) {
  if (e.code !== f.code) return false;
  if ((e.revision ?? null) !== (f.revision ?? null)) return false;
  if (e.subject) {
    const text = [f.message, ...(f.details ?? [])].join('\n');
    if (!text.includes(e.subject)) return false;
  }
  return true;
}

function label(f) {
  return `${f.code}${f.revision ? ` @${f.revision}` : ''}${f.subject ? ` [${f.subject}]` : ''}`;
}

/** Every way the report disagrees with expected.json. */
export function compare(report, exitCode, expected) {
  const problems = [];
  if (expected.exitCode !== undefined && exitCode !== expected.exitCode) {
    problems.push(`exit code ${exitCode}, expected ${expected.exitCode}`);
  }
  if (!report) return problems.length ? problems : ['no report written'];
  if (expected.error) {
    const said = report.error?.message ?? '';
    if (!report.error) problems.push(`no run error in the report, expected one saying "${expected.error.subject}"`);
    else if (!said.includes(expected.error.subject)) problems.push(`run error "${said.slice(0, 200)}", expected one saying "${expected.error.subject}"`);
    if (expected.error.file && report.error && !(report.error.file ?? '').endsWith(expected.error.file)) {
      problems.push(`run error names ${report.error.file ?? 'no file'}, expected ${expected.error.file}`);
    }
  }
  for (const [id, exp] of Object.entries(expected.checks ?? {})) {
    const check = report.checks.find((c) => c.id === id);
    if (!check) {
      problems.push(`${id}: missing from the report`);
      continue;
    }
    const statuses = Array.isArray(exp.status) ? exp.status : [exp.status];
    if (exp.status !== undefined && !statuses.includes(check.status)) {
      problems.push(`${id}: ${check.status}${check.reason ? ` (${check.reason})` : ''}, expected ${statuses.join(' or ')}`);
    }
    if (exp.findings === 'any') continue;
    const expectedFindings = exp.findings ?? [];
    const actual = counted(check, exp);
    const used = new Set();
    for (const e of expectedFindings) {
      const hits = actual.filter((f, i) => !used.has(i) && findingMatches(f, e));
      if (hits.length === 0) {
        if (!e.optional) problems.push(`${id}: missing ${e.severity ?? ''} ${label(e)}${e.why ? ` (${e.why})` : ''}`.replace('  ', ' '));
        continue;
      }
      for (const h of e.many ? hits : hits.slice(0, 1)) {
        used.add(actual.indexOf(h));
        if (e.severity && h.severity !== e.severity) problems.push(`${id}: ${label(e)} is ${h.severity}, expected ${e.severity}`);
      }
    }
    actual.forEach((f, i) => {
      if (!used.has(i)) problems.push(`${id}: unexpected ${f.severity} ${label(f)}: ${f.message.slice(0, 240)}`);
    });
  }
  return problems;
}

export async function runProject(project, opts = {}) {
  const cli = opts.cli ?? join(root, 'dist', 'cli.js');
  const base = join(cacheDir, project.name);
  mkdirSync(base, { recursive: true });
  const log = join(base, 'setup.log');
  writeFileSync(log, '');
  const t0 = Date.now();
  // Projects that share a venv (one package, two dialects) name it with "venv".
  const { python, installed } = ensureVenv(project, join(cacheDir, project.venv ?? project.name), log);
  const installMs = Date.now() - t0;
  const venv = dirname(dirname(python));
  const site = sh(`'${python}' -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])'`, process.env, base).trim();
  const work = join(base, 'work');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const vars = { WORK: work, PYTHON: python, VENV: venv, SITE: site, CACHE: base };
  const env = { ...process.env, ...vars };
  for (const cmd of project.setup ?? []) sh(cmd, env, work, log);
  const report = join(base, 'report.json');
  rmSync(report, { force: true });
  // CORPUS_CHECKS=...: run other checks than the defaults (e.g. with `data`, which is asked for by name).
  const checks = process.env.CORPUS_CHECKS ? ['--checks', process.env.CORPUS_CHECKS] : [];
  const args = [...project.cli.map((a) => substitute(a, vars)), ...checks, '--format', 'json', '--output', report];
  const runEnv = { ...process.env, ...Object.fromEntries(Object.entries(project.env ?? {}).map(([k, v]) => [k, substitute(v, vars)])) };
  const t1 = Date.now();
  const r = await runCli(cli, args, runEnv, substitute(project.cwd ?? '$WORK', vars), (project.timeoutSeconds ?? 900) * 1000);
  const runMs = Date.now() - t1;
  writeFileSync(join(base, 'cli.stderr'), r.stderr);
  let parsed = null;
  if (existsSync(report)) parsed = JSON.parse(readFileSync(report, 'utf8'));
  const problems = compare(parsed, r.code, project.expected);
  if (r.signal) problems.unshift(`the CLI was killed by ${r.signal} (timeout ${project.timeoutSeconds ?? 900} s)`);
  if (!parsed || r.code !== (project.expected.exitCode ?? r.code)) {
    const lines = r.stderr.trim().split('\n');
    const said = lines.filter((l) => /^(internal )?error:/i.test(l.trim()));
    problems.push(`stderr: ${(said.length ? said : lines.slice(-3)).join(' | ').slice(0, 600)}`);
  }
  if (!opts.keep) rmSync(work, { recursive: true, force: true });
  return { name: project.name, exitCode: r.code, status: parsed?.status ?? null, installed, installMs, runMs, problems, report: parsed, stderr: r.stderr };
}

function summaryLine(p, r) {
  const checks = r.report ? r.report.checks.map((c) => `${c.id}:${c.status}`).join(' ') : '(no report)';
  return `${r.problems.length ? 'MISMATCH' : 'ok      '} ${p.name.padEnd(11)} ${String(r.status ?? '-').padEnd(7)} exit ${r.exitCode} ` +
    `${(r.runMs / 1000).toFixed(1).padStart(6)} s${r.installed ? ` (+ install ${(r.installMs / 1000).toFixed(0)} s)` : ''}  ${checks}`;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(opts.cli)) {
    console.error(`${opts.cli} is missing: run npm run build first`);
    process.exit(2);
  }
  let projects = loadProjects();
  if (opts.quick) projects = projects.filter((p) => p.quick);
  if (opts.only) projects = projects.filter((p) => opts.only.includes(p.name));
  if (projects.length === 0) {
    console.error('no corpus project selected');
    process.exit(2);
  }
  const results = [];
  let broken = false;
  for (const p of projects) {
    process.stdout.write(`${p.name}: ${p.pip.join(' ')} (${p.setupKind}, ${p.dialect}, ${p.revisions} revisions)\n`);
    let r;
    try {
      r = await runProject(p, opts);
    } catch (error) {
      broken = true;
      console.log(`SETUP FAILED ${p.name}: ${error.message}`);
      results.push({ name: p.name, setupError: error.message });
      continue;
    }
    results.push({ name: r.name, status: r.status, exitCode: r.exitCode, runMs: r.runMs, installMs: r.installMs, problems: r.problems });
    console.log(summaryLine(p, r));
    for (const m of r.problems) console.log(`    - ${m}`);
  }
  const mismatched = results.filter((r) => r.problems?.length).length;
  console.log(`corpus: ${results.length - mismatched - results.filter((r) => r.setupError).length} passed, ${mismatched} failed` +
    (broken ? `, ${results.filter((r) => r.setupError).length} could not be set up` : ''));
  if (opts.json) writeFileSync(opts.json, JSON.stringify(results, null, 2));
  process.exit(broken ? 2 : mismatched ? 1 : 0);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
