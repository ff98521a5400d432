// Where throwaway databases put their files: the caller's choice, else RAM-backed /dev/shm when it has room,
// else the OS temp dir. On a busy disk, initdb plus a data-dir copy take seconds; on tmpfs, a tenth of that.

import { accessSync, constants, readdirSync, readFileSync, rmSync, statfsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processStartTime } from './parent-death-watch.ts';

const SHM = '/dev/shm';
/** Docker gives containers a 64 MB /dev/shm by default: too small for a cluster (~40 MB) and its template. */
const MIN_FREE_BYTES = 1024 ** 3;

function roomyShm(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    accessSync(SHM, constants.W_OK | constants.X_OK);
    const s = statfsSync(SHM);
    return s.bavail * s.bsize >= MIN_FREE_BYTES;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return false;
    throw error;
  }
}

export function throwawayBaseDir(requested?: string): string {
  if (requested) return requested;
  return roomyShm() ? SHM : tmpdir();
}

// Every temp dir a run makes carries its owner (pid, process start time, boot id): a later run can tell a dir
// whose owner is gone (killed with SIGKILL, power cut) from one in use, and reap it, with the server inside.

const OWNER_FILE = '.alembic-preflight-owner';
const PREFIX = 'alembic-preflight-';

interface Owner {
  pid: number;
  start: string | null;
  boot: string | null;
}

function bootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return null;
  }
}

function me(): Owner {
  return { pid: process.pid, start: processStartTime(process.pid), boot: bootId() };
}

function ownerAlive(owner: Owner): boolean {
  if (owner.boot && owner.boot !== bootId()) return false;
  const start = processStartTime(owner.pid);
  if (start !== null) return owner.start === null || start === owner.start;
  if (process.platform === 'linux') return false;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** mkdtemp under `base`, marked with our identity (written before the dir is handed to anyone else). */
export async function ownedTempDir(base: string, kind: string): Promise<string> {
  const dir = await mkdtemp(join(base, `${PREFIX}${kind}-`));
  await writeFile(join(dir, OWNER_FILE), `${JSON.stringify(me())}\n`, { mode: 0o600 });
  return dir;
}

/** A PostgreSQL server still running from a dead run's data dir: postmaster.pid names it; /proc confirms it. */
function killStaleServer(dataDir: string): void {
  let pidText: string;
  try {
    pidText = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '';
  } catch {
    return;
  }
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return;
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return;
  }
  if (!cmdline.includes(dataDir)) return; // a recycled pid, not the server of this data dir
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // already gone, or not a group leader
    }
  }
}

/**
 * Removes the temp dirs (and stops the clusters) of runs that died without cleaning up. Only dirs carrying an owner
 * marker whose process is gone are touched; dirs we cannot read (another user's) are left alone. Returns what it
 * reaped, for the log.
 */
export function reapStaleTempDirs(base: string): string[] {
  const reaped: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(base).filter((e) => e.startsWith(PREFIX));
  } catch {
    return reaped;
  }
  for (const entry of entries) {
    const dir = join(base, entry);
    let owner: Owner;
    try {
      owner = JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8')) as Owner;
    } catch {
      continue; // no marker (or not ours to read): not ours to judge
    }
    if (owner.pid === process.pid || ownerAlive(owner)) continue;
    try {
      for (const sub of readdirSync(dir)) killStaleServer(join(dir, sub));
      rmSync(dir, { recursive: true, force: true });
      reaped.push(dir);
    } catch {
      // another run is reaping it at the same moment, or it is not ours after all: leave it
    }
  }
  return reaped;
}
