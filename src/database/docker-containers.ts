// Our own bookkeeping for the containers we start, so cleanup never depends on testcontainers' reaper (Ryuk), which
// some machines cannot pull: every container carries labels naming its run, process and host; a container is removed
// on every exit path (dispose, or synchronously at exit); containers of dead runs are reaped at the next start.

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { ContainerRuntimeClient } from 'testcontainers';

export const LABEL_RUN = 'alembic-preflight.run';
export const LABEL_PID = 'alembic-preflight.pid';
/** The process's start time (clock ticks since boot, /proc/PID/stat), so a reused PID is not taken for ours. */
export const LABEL_PID_START = 'alembic-preflight.pid-start';
export const LABEL_HOST = 'alembic-preflight.host';

function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22, counted after the command name (which may hold spaces and parentheses).
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

const RUN_ID = `${process.pid}-${randomBytes(4).toString('hex')}`;

/** The labels every container of this process gets. */
export function ownLabels(): Record<string, string> {
  return {
    [LABEL_RUN]: RUN_ID,
    [LABEL_PID]: String(process.pid),
    [LABEL_PID_START]: processStartTime(process.pid) ?? '',
    [LABEL_HOST]: hostname(),
  };
}

/** Whether the process that labelled a container on this host is gone (or its PID now belongs to another process). */
export function ownerIsDead(labels: Record<string, string>): boolean {
  const pid = Number(labels[LABEL_PID]);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return Boolean(labels[LABEL_PID_START]) && labels[LABEL_PID_START] !== processStartTime(pid);
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive, someone else's.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  const started = labels[LABEL_PID_START];
  if (!started) return false;
  const now = processStartTime(pid);
  return now !== null && now !== started;
}

/**
 * Removes the labelled containers left by runs on this host whose process is dead (SIGKILL, OOM, a crashed runner).
 * Containers of other hosts sharing the engine are left alone: their processes cannot be checked from here.
 */
export async function reapStaleContainers(client: ContainerRuntimeClient, log: (line: string) => void): Promise<string[]> {
  const docker = client.container.dockerode;
  const listed = await docker.listContainers({ all: true, filters: { label: [`${LABEL_HOST}=${hostname()}`] } });
  const stale = listed.filter((c) => c.Labels[LABEL_RUN] && ownerIsDead(c.Labels));
  const removed: string[] = [];
  for (const c of stale) {
    try {
      await docker.getContainer(c.Id).remove({ force: true, v: true });
      removed.push(c.Id);
    } catch (error) {
      // Removed meanwhile by another run reaping the same container.
      if ((error as { statusCode?: number }).statusCode !== 404 && (error as { statusCode?: number }).statusCode !== 409) throw error;
    }
  }
  if (removed.length) {
    log(`postgres-docker: removed ${removed.length} container(s) left by runs that ended without cleaning up ` +
      `(${removed.map((id) => id.slice(0, 12)).join(', ')})`);
  }
  return removed;
}

/** How to reach the engine's API without testcontainers, for the synchronous last resort at exit. */
export interface EngineAddress {
  socketPath?: string;
  host?: string;
  port?: number;
}

export function engineAddress(client: ContainerRuntimeClient): EngineAddress {
  const modem = (client.container.dockerode as unknown as { modem: { socketPath?: string; host?: string; port?: number | string; protocol?: string } }).modem;
  if (modem.socketPath) return { socketPath: modem.socketPath };
  // A TLS engine (tcp:// with certificates) is out of reach for the plain request below: the docker CLI covers it.
  if (modem.host && modem.protocol !== 'https') return { host: modem.host, port: Number(modem.port ?? 2375) };
  return {};
}

// Runs in a child Node process: DELETE /containers/ID?force=true, the API call behind `docker rm -f`.
const REMOVE_SCRIPT = `
const [address, id] = [JSON.parse(process.argv[1]), process.argv[2]];
const req = require('node:http').request({ ...address, method: 'DELETE', path: '/containers/' + id + '?force=true&v=true', timeout: 8000 },
  (res) => { res.resume(); process.exitCode = res.statusCode < 300 || res.statusCode === 404 ? 0 : 1; });
req.on('timeout', () => req.destroy(new Error('timeout')));
req.on('error', (e) => { console.error(e.message); process.exitCode = 1; });
req.end();
`;

/**
 * Removes a container synchronously (at process exit, where nothing async runs): a child Node process calls the
 * engine's API; without a plain socket or TCP address, the docker CLI if there is one. Best effort: a container this
 * misses is reaped at the next start.
 */
export function removeContainerSync(id: string, address: EngineAddress): boolean {
  if (address.socketPath || address.host) {
    const r = spawnSync(process.execPath, ['-e', REMOVE_SCRIPT, JSON.stringify(address), id], { timeout: 10_000, stdio: 'ignore' });
    if (r.status === 0) return true;
  }
  const docker = ['/usr/bin/docker', '/usr/local/bin/docker'].find((p) => existsSync(p)) ?? 'docker';
  const r = spawnSync(docker, ['rm', '-f', '-v', id], { timeout: 10_000, stdio: 'ignore' });
  return r.status === 0;
}
