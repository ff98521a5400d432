// One `postgres` server process on this machine: start it listening on a Unix socket in a private directory only
// (no TCP), know when it accepts connections, stop it (fast shutdown, then SIGKILL), and a synchronous kill for the
// last moments of our process. A parent-death watch stops it if we are killed outright.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { watchAfterDeath } from './parent-death-watch.ts';
import type { Account } from './run-as.ts';

/** Settings that make a throwaway server fast: nothing it writes has to survive a crash. */
const THROWAWAY_SETTINGS = [
  'fsync=off',
  'synchronous_commit=off',
  'full_page_writes=off',
  'wal_level=minimal',
  'max_wal_senders=0',
  'autovacuum=off',
  'jit=off',
  'shared_buffers=32MB',
  'max_connections=50',
  // The lock table is max_locks_per_transaction x max_connections: 50 connections would halve PostgreSQL's default
  // (64 x 100), and a 500-revision `downgrade base` in one transaction needs more: 512 x 50, about 8 MB.
  'max_locks_per_transaction=512',
  // Only the socket, only its owner: no TCP listener, and the socket file itself is 0700 too (its directory is).
  'listen_addresses=',
  'unix_socket_permissions=0700',
];

/** With no TCP listener, the port only names the socket file (.s.PGSQL.5432) in the cluster's own directory. */
export const SOCKET_PORT = 5432;

const LOG_LINES_KEPT = 40;
// Unix socket paths are limited to 107 bytes (sun_path); leave room for "/.s.PGSQL.NNNNN".
export const MAX_SOCKET_DIR = 90;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function serverEnv(): NodeJS.ProcessEnv {
  // A clean environment: PG* variables of the user's shell must not steer our private server.
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', LANG: 'C' };
  if (process.env.TZ) env.TZ = process.env.TZ;
  return env;
}

export class StartFailed extends Error {
  constructor(
    message: string,
    readonly log: string,
    readonly portInUse: boolean,
  ) {
    super(message);
  }
}

export class PostgresServerProcess {
  private readonly logLines: string[] = [];
  private exited = false;
  private readonly exitPromise: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    this.exitPromise = new Promise((resolve) => {
      child.once('exit', () => {
        this.exited = true;
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return !this.exited && this.child.exitCode === null && this.child.signalCode === null;
  }

  recentLog(): string {
    return this.logLines.join('\n');
  }

  /** Spawns postgres on `port`; `ready` settles once it logs that it accepts connections (or fails to start). */
  static spawn(opts: {
    postgres: string;
    dataDir: string;
    socketDir: string;
    port: number;
    account: Account | null;
    timeoutMs?: number;
    /** Also listen on 127.0.0.1 (tests only: see ProvisionSpec.tcp). */
    tcp?: boolean;
  }): PostgresServerProcess {
    if (opts.socketDir.length > MAX_SOCKET_DIR) throw new StartFailed(`socket directory path too long: ${opts.socketDir}`, '', false);
    const args = ['-D', opts.dataDir, '-p', String(opts.port), '-k', opts.socketDir];
    for (const setting of THROWAWAY_SETTINGS) args.push('-c', setting);
    if (opts.tcp) args.push('-c', 'listen_addresses=127.0.0.1');
    const child = spawn(opts.postgres, args, {
      cwd: opts.socketDir,
      env: serverEnv(),
      stdio: ['ignore', 'ignore', 'pipe'],
      // Its own process group: a Ctrl-C at the terminal reaches us, and we stop the server in order.
      detached: true,
      ...(opts.account ? { uid: opts.account.uid, gid: opts.account.gid } : {}),
    });
    const server = new PostgresServerProcess(child, opts.port);
    if (child.pid !== undefined) {
      const unwatch = watchAfterDeath('server', child.pid);
      child.once('exit', unwatch);
    }
    server.ready = server.watchStartup(opts.postgres, opts.timeoutMs ?? 30_000);
    return server;
  }

  ready: Promise<void> = Promise.resolve();

  private watchStartup(postgres: string, timeoutMs: number): Promise<void> {
    const child = this.child;
    const stderr = child.stderr!;
    return new Promise<void>((resolve, reject) => {
      let buffered = '';
      let ready = false;
      const timer = setTimeout(() => {
        reject(new StartFailed(`postgres did not accept connections within ${timeoutMs} ms`, this.recentLog(), false));
      }, timeoutMs);
      stderr.setEncoding('utf8');
      stderr.on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          this.logLines.push(line);
          if (this.logLines.length > LOG_LINES_KEPT) this.logLines.shift();
          if (!ready && line.includes('ready to accept connections')) {
            ready = true;
            clearTimeout(timer);
            // From now on the server must not keep our process alive: if we forget to stop it, the 'exit'
            // cleanup does. (Until now the pending startup is what keeps the event loop running.)
            child.unref();
            (stderr as unknown as { unref?: () => void }).unref?.();
            resolve();
          }
        }
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new StartFailed(`cannot run ${postgres}: ${error.message}`, '', false));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (ready) return;
        const log = this.recentLog();
        reject(new StartFailed(`postgres exited during startup (${signal ?? `code ${code}`})`, log,
          /could not bind|Address already in use/i.test(log)));
      });
    });
  }

  /** Fast shutdown (SIGINT: disconnect clients, checkpoint, exit); SIGKILL when that takes over `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGINT');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exitPromise;
    clearTimeout(timer);
  }

  /** For process 'exit', where nothing async runs: immediate shutdown, a short busy wait, then SIGKILL. */
  stopSync(): void {
    const pid = this.child.pid;
    if (!this.running || pid === undefined) return;
    if (!signal(pid, 'SIGQUIT')) return;
    const deadline = Date.now() + 2_000;
    const pause = new Int32Array(new SharedArrayBuffer(4));
    while (Date.now() < deadline && alive(pid)) Atomics.wait(pause, 0, 0, 20);
    if (alive(pid)) signal(pid, 'SIGKILL');
  }
}

/** False when the process is already gone. */
function signal(pid: number, name: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** Alive and not a zombie (our exited-but-unreaped child still answers kill(pid, 0)). */
function alive(pid: number): boolean {
  if (process.platform === 'linux') {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  }
  return signal(pid, 0);
}
