// A "precious" PostgreSQL cluster for the guard tests: a second private cluster, not the run's, listening on a Unix
// socket in its own directory and on 127.0.0.1, started from the same binaries with log_connections and
// log_statement=all, so that a test can say how many connections (and statements) a run sent it: zero.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { findPostgresBinaries } from '../../src/database/postgres-binaries.ts';
import { handOver, serverAccount } from '../../src/database/run-as.ts';

export interface Precious {
  dir: string;
  /** The socket directory (libpq's host=). */
  socketDir: string;
  port: number;
  /** postgresql://postgres@127.0.0.1:<port>/precious */
  tcpUrl: string;
  /** Every line the server logged so far. */
  log(): string[];
  /** Log lines of connections received since `mark` (a log length). */
  connectionsSince(mark: number): string[];
  /** Rows of precious.public.treasure (the table the probes would write to). */
  rows(): Promise<string[]>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export async function startPrecious(): Promise<Precious> {
  const binaries = await findPostgresBinaries();
  if (!binaries) throw new Error('no PostgreSQL binaries for the precious cluster');
  const account = serverAccount();
  const dir = mkdtempSync(join(tmpdir(), 'precious-'));
  await handOver(dir, account);
  const ids = account ? { uid: account.uid, gid: account.gid } : {};
  const init = spawnSync(binaries.initdb, ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'],
    { cwd: dir, encoding: 'utf8', ...ids });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const child: ChildProcess = spawn(binaries.postgres, ['-D', join(dir, 'data'), '-p', String(port), '-k', dir,
    '-c', 'listen_addresses=127.0.0.1', '-c', 'log_connections=on', '-c', 'log_statement=all', '-c', 'fsync=off',
    '-c', 'logging_collector=off'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], ...ids });
  const lines: string[] = [];
  let buffered = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`precious cluster did not start:\n${lines.join('\n')}`)), 30_000);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      buffered += chunk;
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (line.includes('ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`precious cluster exited (${code}):\n${lines.join('\n')}`)));
  });
  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  await admin.connect();
  await admin.query('CREATE DATABASE precious');
  await admin.end();
  const db = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'precious' });
  await db.connect();
  await db.query("CREATE TABLE treasure (note text); INSERT INTO treasure VALUES ('gold')");
  await db.end();
  return {
    dir,
    socketDir: dir,
    port,
    tcpUrl: `postgresql://postgres@127.0.0.1:${port}/precious`,
    log: () => [...lines],
    connectionsSince: (mark) => lines.slice(mark).filter((l) => /connection received|connection authorized/.test(l)),
    rows: async () => {
      const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'precious' });
      await c.connect();
      try {
        return (await c.query<{ note: string }>('SELECT note FROM treasure ORDER BY 1')).rows.map((r) => r.note);
      } finally {
        await c.end();
      }
    },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGINT');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
