// Issue 10 item 3, against dist/: where the throwaway database is a socket or a file, the Python driver runs with no
// network (its own user and network namespace), so what the Python guard cannot see (a raw socket, psql or another
// interpreter in a subprocess) cannot reach another server either; the report says which containment was in force
// (environment.containment, one text line), and it falls back cleanly, saying why, where it is not possible
// (turned off, unshare refused by the kernel, a database reached over TCP).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { provisionPostgresLocal } from '../../src/database/postgres-local.ts';
import { containmentPlan } from '../../src/driver/containment.ts';
import { runCli } from '../support/cli.ts';
import { repoRoot, venvPython } from '../support/env.ts';
import { startPrecious, type Precious } from './precious.ts';
import { hostileProject, workDir } from './support.ts';

const work = workDir('containment');
let precious: Precious;

before(async () => {
  precious = await startPrecious();
});
after(async () => {
  await precious?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** A migration that tries what the Python guard cannot see, and says how each attempt ended. */
function escapist(name: string): string {
  const dsn = `host=127.0.0.1 port=${precious.port} dbname=precious user=postgres`;
  return hostileProject(work, name, [
    '    s = socket.socket()',
    '    try:',
    `        s.connect(("127.0.0.1", ${precious.port}))`,
    "        print('probe raw socket: connected', file=sys.stderr, flush=True)",
    '    except OSError as e:',
    "        print('probe raw socket:', e, file=sys.stderr, flush=True)",
    '    finally:',
    '        s.close()',
    `    r = subprocess.run(["psql", "-h", "127.0.0.1", "-p", "${precious.port}", "-U", "postgres", "-d", "precious", "-Atc", "SELECT 'psql reached precious'"], capture_output=True, text=True)`,
    "    print('probe psql:', r.returncode, (r.stdout + r.stderr).strip().replace(chr(10), ' '), file=sys.stderr, flush=True)",
    `    r = subprocess.run([sys.executable, "-c", "import psycopg2; psycopg2.connect('${dsn}'); print('python reached precious')"], capture_output=True, text=True)`,
    "    print('probe python:', r.returncode, (r.stdout + r.stderr).strip().replace(chr(10), ' '), file=sys.stderr, flush=True)",
    '    try:',
    '        socket.getaddrinfo("example.com", 443)',
    "        print('probe dns: resolved', file=sys.stderr, flush=True)",
    '    except OSError as e:',
    "        print('probe dns:', e, file=sys.stderr, flush=True)",
  ].join('\n'), 'import socket\nimport subprocess');
}

const hasPsql = spawnSync('psql', ['--version']).status === 0;

test('postgres-local: the driver has no network; a raw socket, psql and another Python in a subprocess reach nothing', { skip: !hasPsql && 'no psql' }, async () => {
  const dir = escapist('contained');
  const mark = precious.log().length;
  const json = await runCli(['check', dir, '--database', 'postgres-local', '--python', venvPython(), '--checks', 'upgrade',
    '--format', 'json', '-v'], { dist: true });
  assert.equal(json.code, 0, json.stdout + json.stderr);
  assert.equal(json.report!.environment.containment?.network, 'none', JSON.stringify(json.report!.environment));
  assert.match(json.report!.environment.containment!.reason, /own network namespace/);
  assert.match(json.stderr, /probe raw socket: \[Errno 101\] Network is unreachable/);
  assert.match(json.stderr, /probe psql: 2 .*(Network is unreachable|could not connect)/);
  assert.match(json.stderr, /probe python: 1 .*Network is unreachable/);
  assert.match(json.stderr, /probe dns: /);
  assert.doesNotMatch(json.stderr, /reached precious|probe raw socket: connected|probe dns: resolved/);
  assert.deepEqual(precious.connectionsSince(mark), [], 'the precious cluster logged no connection from the run');

  const text = await runCli(['check', dir, '--database', 'postgres-local', '--python', venvPython(), '--checks', 'upgrade'], { dist: true });
  assert.equal(text.code, 0, text.stdout + text.stderr);
  assert.match(text.stdout, /^Python driver: no network \(own network namespace/m);
});

test('SQLite: no network either (the database is a file)', async () => {
  const dir = hostileProject(work, 'sqlite-contained', '    pass');
  const run = await runCli(['check', dir, '--database', 'sqlite', '--python', venvPython(), '--checks', 'upgrade',
    '--format', 'json'], { dist: true });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.report!.environment.containment?.network, 'none');
});

test(`fallback forced with ALEMBIC_PREFLIGHT_CONTAINMENT=off: host network, said so, and what it no longer stops`, { skip: !hasPsql && 'no psql' }, async () => {
  const dir = escapist('turned-off');
  const mark = precious.log().length;
  const run = await runCli(['check', dir, '--database', 'postgres-local', '--python', venvPython(), '--checks', 'upgrade',
    '--format', 'json', '-v'], { dist: true, env: { ALEMBIC_PREFLIGHT_CONTAINMENT: 'off' } });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.deepEqual(run.report!.environment.containment, { network: 'host', reason: 'turned off by ALEMBIC_PREFLIGHT_CONTAINMENT=off' });
  // The probes are real: without the namespace, a subprocess gets through (the README says so).
  assert.match(run.stderr, /probe python: 0 python reached precious/);
  assert.ok(precious.connectionsSince(mark).length > 0, 'without containment the subprocess reached the precious cluster');
});

const canNest = spawnSync('unshare', ['-Ur', 'true']).status === 0;

test('fallback when the kernel refuses the namespace (user-namespace limit 0): host network with the reason, run passes', { skip: !canNest && 'unshare -Ur not allowed here' }, async () => {
  const dir = hostileProject(work, 'refused-ns', '    pass');
  // A user namespace of our own in which no further user namespace may be made: the driver's unshare() fails.
  const script = 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"';
  const r = spawnSync('unshare', ['-Ur', 'sh', '-c', script, 'sh', process.execPath, join(repoRoot, 'dist', 'cli.js'),
    'check', dir, '--database', 'sqlite', '--python', venvPython(), '--checks', 'upgrade', '--format', 'json'],
  { encoding: 'utf8', cwd: repoRoot });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const report = JSON.parse(r.stdout) as { environment: { containment?: { network: string; reason: string } } };
  assert.equal(report.environment.containment?.network, 'host');
  assert.match(report.environment.containment!.reason, /^unshare\(CLONE_NEWUSER \| CLONE_NEWNET\): No space left on device/);
});

test('postgres-url keeps the network and says why', async () => {
  const server = await provisionPostgresLocal({ tcp: true });
  try {
    const dir = hostileProject(work, 'server-url', '    pass');
    const run = await runCli(['check', dir, '--database-url-env', 'PREFLIGHT_TEST_SERVER', '--python', venvPython(),
      '--checks', 'upgrade', '--format', 'json'], { dist: true, env: { PREFLIGHT_TEST_SERVER: server.url.replace(/\/[^/]*$/, '/postgres') } });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.report!.environment.containment, { network: 'host', reason: 'postgres-url: the server is reached over the network' });
  } finally {
    await server.dispose();
  }
});

test('the plan: socket and file databases are contained; TCP ones (docker, a URL, --env-vars {host}) are not, with why', () => {
  const linux = (provider: 'sqlite' | 'postgres-local' | 'postgres-docker' | 'postgres-url', url: string, env = {}) =>
    containmentPlan({ provider, url }, env, 'linux');
  assert.equal(linux('sqlite', 'sqlite:////tmp/x/preflight.db'), null);
  assert.equal(linux('postgres-local', 'postgresql://postgres@/preflight?host=/dev/shm/alembic-preflight-pg-x'), null);
  assert.equal(linux('postgres-url', 'postgresql://me@/preflight_1?host=/var/run/postgresql'), null);
  assert.match(linux('postgres-local', 'postgresql://postgres:pw@127.0.0.1:5555/preflight')!.reason, /--env-vars maps \{host\}\/\{port\}/);
  assert.match(linux('postgres-docker', 'postgresql://postgres:pw@127.0.0.1:5555/preflight')!.reason, /^postgres-docker: /);
  assert.equal(linux('sqlite', 'sqlite:////x.db', { ALEMBIC_PREFLIGHT_CONTAINMENT: 'off' })!.network, 'host');
  assert.match(containmentPlan({ provider: 'sqlite', url: 'sqlite:////x.db' }, {}, 'darwin')!.reason, /Linux-only/);
});

const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0 && process.getuid?.() === 0;

test('as an unprivileged user (no root): the driver maps itself to itself and leaves the network', { skip: !hasSetpriv && 'needs root and setpriv to become nobody' }, () => {
  const code = [
    'import os, socket, sys',
    `sys.path.insert(0, ${JSON.stringify(join(repoRoot, 'dist'))})`,
    'from preflight_driver.containment import do_contain',
    'print(do_contain({"network": "none"})["network"], os.getuid())',
    's = socket.socket()',
    'try:',
    '    s.connect(("1.1.1.1", 53)); print("connected")',
    'except OSError as e:',
    '    print(e.errno)',
  ].join('\n');
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', venvPython(), '-c', code],
    { encoding: 'utf8', cwd: '/' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), ['none 65534', '101']);
});
