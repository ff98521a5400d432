// The postgres-local provider: a private PostgreSQL cluster from binaries on this machine, in a 0700 temp dir,
// reachable only through a Unix socket in that dir (no TCP), crash-unsafe settings. dispose() stops it and removes
// the dir; a parent-death watch does the same if we are killed; the next run reaps what a dead run left.

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { UserError } from '../errors.ts';
import { addSecret } from '../redact.ts';
import { registerDisposable } from './cleanup.ts';
import { findPostgresBinaries, type PostgresBinaries } from './postgres-binaries.ts';
import { watchAfterDeath } from './parent-death-watch.ts';
import { MAX_SOCKET_DIR, PostgresServerProcess, SOCKET_PORT, StartFailed, freePort, serverEnv } from './postgres-server-process.ts';
import { WorkingDatabase, connectClient, type ConnectionTarget } from './postgres-working-database.ts';
import type { ProvisionSpec, ThrowawayDatabase } from './provider.ts';
import { handOver, serverAccount, type Account } from './run-as.ts';
import { ownedTempDir, reapStaleTempDirs, throwawayBaseDir } from './temp-dir.ts';

const execFileAsync = promisify(execFile);

const SUPERUSER = 'postgres';
const WORKING_DATABASE = 'preflight';
const START_ATTEMPTS = 3;

function ms(duration: number): number {
  return Math.round(duration);
}

function asAccount(account: Account | null): { uid?: number; gid?: number } {
  return account ? { uid: account.uid, gid: account.gid } : {};
}

async function run(command: string, args: string[], cwd: string, account: Account | null): Promise<void> {
  try {
    await execFileAsync(command, args, { cwd, env: serverEnv(), timeout: 120_000, ...asAccount(account) });
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    const output = `${e.stderr ?? ''}${e.stdout ?? ''}`.trim();
    const hint = account && /permission denied/i.test(output + e.message)
      ? `\n(we are root, so PostgreSQL runs as "${account.name}", which must be able to read the binaries and the temp dir)`
      : '';
    throw new UserError(`${command} failed`, {}, `${output || e.message}${hint}`);
  }
}

/**
 * initdb runs once per binaries per process (about half a second); every cluster after that is a copy of this
 * pristine data dir (tens of milliseconds). The copies live in one temp dir removed at exit.
 */
class ClusterTemplates {
  private root: Promise<string> | null = null;
  private readonly byBinDir = new Map<string, Promise<string>>();

  private rootDir(tmp: string, account: Account | null): Promise<string> {
    this.root ??= (async () => {
      const dir = await ownedTempDir(tmp, 'templates');
      await handOver(dir, account);
      const unwatch = watchAfterDeath('dir', dir);
      const unregister = registerDisposable({
        name: 'postgres-local cluster templates',
        dispose: async () => {
          this.forget();
          unregister();
          await rm(dir, { recursive: true, force: true });
          unwatch();
        },
        disposeSync: () => rmSync(dir, { recursive: true, force: true }),
      });
      return dir;
    })();
    return this.root;
  }

  private forget(): void {
    this.root = null;
    this.byBinDir.clear();
  }

  dataDir(binaries: PostgresBinaries, tmp: string, account: Account | null): Promise<string> {
    let template = this.byBinDir.get(binaries.binDir);
    if (!template) {
      template = (async () => {
        const root = await this.rootDir(tmp, account);
        const dataDir = join(root, `pg${binaries.version}-${this.byBinDir.size}`);
        await run(binaries.initdb, ['-D', dataDir, '-A', 'trust', '-U', SUPERUSER, '--no-sync', '-E', 'UTF8',
          '--locale=C'], root, account);
        return dataDir;
      })();
      this.byBinDir.set(binaries.binDir, template);
      template.catch(() => this.byBinDir.delete(binaries.binDir));
    }
    return template;
  }
}

const templates = new ClusterTemplates();

async function copyDataDir(from: string, to: string, cwd: string, account: Account | null): Promise<void> {
  // Run as the server account, the copy is owned by it; cp keeps the 0700 modes PostgreSQL insists on (minus
  // umask), and -R without -p is measurably faster than -a here.
  await run('cp', ['-R', from, to], cwd, account);
}

/** Starts the server on its socket; tries again when a start fails on a port (an old server's leftover lock). */
async function startServer(
  binaries: PostgresBinaries,
  dataDir: string,
  socketDir: string,
  account: Account | null,
  track: (server: PostgresServerProcess) => void,
  tcp: boolean,
): Promise<PostgresServerProcess> {
  for (let attempt = 1; ; attempt++) {
    const port = tcp ? await freePort() : SOCKET_PORT + attempt - 1;
    const server = PostgresServerProcess.spawn({ postgres: binaries.postgres, dataDir, socketDir, port, account, tcp });
    track(server);
    try {
      await server.ready;
      return server;
    } catch (error) {
      await server.stop();
      if (error instanceof StartFailed && error.portInUse && attempt < START_ATTEMPTS) continue;
      if (error instanceof StartFailed) {
        throw new UserError(`could not start PostgreSQL ${binaries.version} from ${binaries.binDir}: ${error.message}`,
          {}, error.log || undefined);
      }
      throw error;
    }
  }
}

export async function provisionPostgresLocal(spec: ProvisionSpec): Promise<ThrowawayDatabase> {
  const log = spec.log ?? (() => {});
  const binaries = await findPostgresBinaries(spec.postgresVersion);
  if (!binaries) {
    throw new UserError(
      spec.postgresVersion
        ? `no PostgreSQL ${spec.postgresVersion} server binaries (initdb, postgres) found on this machine`
        : 'no PostgreSQL server binaries (initdb, postgres) found on this machine',
      { input: spec.postgresVersion ? 'postgres-version' : 'database' },
      'Install PostgreSQL (e.g. apt-get install postgresql), start Docker, or pass --database postgresql://user:pass@host/db.',
    );
  }
  return startLocal(binaries, spec, log);
}

/** Starts a cluster from binaries already found (select.ts finds them once to decide, then starts them). */
export async function startLocal(
  binaries: PostgresBinaries,
  spec: ProvisionSpec,
  log: (line: string) => void = () => {},
): Promise<ThrowawayDatabase> {
  const started = performance.now();
  const account = serverAccount();
  const tmp = throwawayBaseDir(spec.tmpDir);
  reapOnce(tmp, log);
  const dir = await ownedTempDir(tmp, 'pg');
  const unwatchDir = watchAfterDeath('dir', dir);
  // The socket lives in the cluster's own 0700 dir; a path too long for a socket gets a short private dir of its own.
  const socketDir = dir.length + 1 <= MAX_SOCKET_DIR ? dir : await mkdtemp(join(tmpdir(), 'apf-'));
  const unwatchSocketDir = socketDir === dir ? () => {} : watchAfterDeath('dir', socketDir);
  let server: PostgresServerProcess | null = null;
  let working: WorkingDatabase | null = null;
  let disposed: Promise<void> | null = null;

  const dispose = (): Promise<void> => {
    disposed ??= (async () => {
      try {
        if (working) await working.close({ drop: false });
      } finally {
        if (server) await server.stop();
        await rm(dir, { recursive: true, force: true });
        if (socketDir !== dir) await rm(socketDir, { recursive: true, force: true });
        unwatchDir();
        unwatchSocketDir();
        unregister();
      }
    })();
    return disposed;
  };
  const unregister = registerDisposable({
    name: `postgres-local cluster in ${dir}`,
    dispose,
    disposeSync: () => {
      server?.stopSync();
      rmSync(dir, { recursive: true, force: true });
      if (socketDir !== dir) rmSync(socketDir, { recursive: true, force: true });
    },
  });

  try {
    await handOver(dir, account);
    if (socketDir !== dir) await handOver(socketDir, account);
    const template = await templates.dataDir(binaries, tmp, account);
    const templateReady = performance.now();
    const dataDir = join(dir, 'data');
    await copyDataDir(template, dataDir, dir, account);
    const password = spec.tcpPassword ? randomBytes(18).toString('base64url') : null;
    if (password) addSecret(password);
    if (password) await requirePasswordOverTcp(dataDir);
    const copied = performance.now();
    server = await startServer(binaries, dataDir, socketDir, account, (s) => {
      server = s;
    }, (spec.tcp ?? false) || password !== null);
    const port = server.port;
    const target: ConnectionTarget = (database) => ({ host: socketDir, port, user: SUPERUSER, database });
    const admin = await connectClient(target('postgres'));
    if (password) {
      await admin.query("SET password_encryption = 'scram-sha-256'");
      await admin.query(`ALTER ROLE ${SUPERUSER} PASSWORD '${password}'`);
    }
    const connected = performance.now();
    working = await WorkingDatabase.create(admin, target, WORKING_DATABASE, {
      excludeTables: [spec.versionTable ?? 'alembic_version'],
      // Our own throwaway server: FILE_COPY's checkpoints cost nothing with fsync off, and it copies a small
      // template several times faster than the WAL_LOG default of PostgreSQL 15+.
      fileCopy: true,
    });
    const { serverVersion, serverVersionNum } = working.version;
    log(`postgres-local: PostgreSQL ${serverVersion} (${binaries.source}: ${binaries.binDir})` +
      `${account ? ` running as ${account.name}` : ''} on a Unix socket in ${socketDir} ${password ? `and 127.0.0.1:${port} (password required)` : '(no TCP)'}, ` +
      `first connection after ${ms(connected - started)} ms (initdb/template ${ms(templateReady - started)}, ` +
      `copy ${ms(copied - templateReady)}, start ${ms(connected - copied)}), database ready after ${ms(performance.now() - started)} ms`);
    const db = working;
    return {
      provider: 'postgres-local',
      dialect: 'postgresql',
      url: password ? `postgresql://${SUPERUSER}:${password}@127.0.0.1:${port}/${WORKING_DATABASE}`
        : spec.tcp ? `postgresql://${SUPERUSER}@127.0.0.1:${port}/${WORKING_DATABASE}` : socketUrl(SUPERUSER, WORKING_DATABASE, socketDir, port),
      serverVersion,
      serverVersionNum,
      snapshot: () => db.snapshot(),
      reset: () => db.reset(),
      checkpoint: () => db.checkpoint(),
      restore: () => db.restore(),
      activeStatement: () => db.activeStatement(),
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** `postgresql://user@/db?host=/dir`: libpq's form for a socket directory, which psycopg2, psycopg 3 and asyncpg
 * read through SQLAlchemy (url.ts turns it into pg8000's `unix_sock`). The port is given only when not 5432. */
export function socketUrl(user: string, database: string, socketDir: string, port: number): string {
  const host = encodeURIComponent(socketDir).replace(/%2F/g, '/');
  return `postgresql://${user}@/${database}?host=${host}${port === SOCKET_PORT ? '' : `&port=${port}`}`;
}

let reaped = false;

/** Once per process: clusters and temp dirs whose run died without cleaning up are stopped and removed. */
function reapOnce(tmp: string, log: (line: string) => void): void {
  if (reaped) return;
  reaped = true;
  for (const dir of reapStaleTempDirs(tmp)) log(`postgres-local: removed ${dir}, left by a run that was killed`);
}

/** TCP connections need the password; the private socket keeps trust (only we can reach its 0700 directory). */
async function requirePasswordOverTcp(dataDir: string): Promise<void> {
  const hba = join(dataDir, 'pg_hba.conf');
  const lines = (await readFile(hba, 'utf8')).split('\n').filter((l) => !/^\s*host/.test(l));
  lines.push('host all all 127.0.0.1/32 scram-sha-256', 'host all all ::1/128 scram-sha-256', '');
  await writeFile(hba, lines.join('\n'));
}
