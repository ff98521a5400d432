// A parent-death watch: a tiny detached process that reads a pipe from us. However we die (SIGKILL included), the
// pipe closes, and it kills the process groups and servers we registered and removes our temp dirs.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * The watcher's program (run with `node -e`; nothing secret in it, so it may show in `ps`). It reads JSON lines
 * {op: add|remove, kind: group|server|dir, value, start?}; at end of input it stops servers (SIGQUIT, then SIGKILL),
 * kills groups (SIGKILL to the whole group), removes dirs, and exits. A process is only signalled while it is the
 * one registered: same start time in /proc (a recycled pid is left alone).
 */
const WATCHER_SOURCE = String.raw`
const fs = require('fs');
const items = new Map();
let buf = '';
function startOf(pid) {
  try { const s = fs.readFileSync('/proc/' + pid + '/stat', 'utf8'); return s.slice(s.lastIndexOf(')') + 2).split(' ')[19]; }
  catch (e) { return null; }
}
function same(item) { const s = startOf(item.value); return s !== null && (item.start === undefined || s === item.start); }
function sig(pid, name) { try { process.kill(pid, name); } catch (e) {} }
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buf += chunk;
  let i;
  while ((i = buf.indexOf('\n')) !== -1) {
    const line = buf.slice(0, i); buf = buf.slice(i + 1);
    let m; try { m = JSON.parse(line); } catch (e) { continue; }
    const key = m.kind + ':' + m.value;
    if (m.op === 'add') items.set(key, m); else items.delete(key);
  }
});
let done = false;
function reap() {
  if (done) return; done = true;
  const all = [...items.values()];
  const servers = all.filter((x) => x.kind === 'server' && same(x));
  for (const s of servers) sig(s.value, 'SIGQUIT');
  for (const g of all.filter((x) => x.kind === 'group')) {
    if (startOf(g.value) === null || same(g)) sig(-g.value, 'SIGKILL');
  }
  const deadline = Date.now() + 3000;
  const wait = new Int32Array(new SharedArrayBuffer(4));
  while (Date.now() < deadline && servers.some(same)) Atomics.wait(wait, 0, 0, 25);
  for (const s of servers) { if (same(s)) sig(s.value, 'SIGKILL'); sig(-s.value, 'SIGKILL'); }
  for (const d of all.filter((x) => x.kind === 'dir')) {
    try { fs.rmSync(d.value, { recursive: true, force: true }); } catch (e) {}
  }
  process.exit(0);
}
process.stdin.on('end', reap);
process.stdin.on('close', reap);
process.stdin.on('error', reap);
`;

export type WatchKind = 'group' | 'server' | 'dir';

let watcher: ChildProcess | null = null;
let failed = false;

function ensureWatcher(): ChildProcess | null {
  if (watcher || failed) return watcher;
  try {
    const child = spawn(process.execPath, ['-e', WATCHER_SOURCE], {
      // Its own session: a Ctrl-C to our terminal's process group, or a kill of our group, does not reach it.
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    child.on('error', () => {
      failed = true;
      watcher = null;
    });
    child.stdin!.on('error', () => {
      // EPIPE: the watcher is gone; nothing more to tell it.
    });
    // Neither the watcher nor its pipe may keep us alive: the pipe closing when we exit is its whole point.
    child.unref();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    watcher = child;
  } catch {
    failed = true;
  }
  return watcher;
}

/** The start time of a process (clock ticks since boot, /proc/PID/stat field 22), or null where there is no /proc. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH' || code === 'ENOTDIR') return null;
    throw error;
  }
}

/**
 * Asks the watcher to clean `value` up if we die first: a process group (pgid: SIGKILL to the group), a PostgreSQL
 * server (pid: immediate shutdown, then SIGKILL), or a directory (removed). Returns the function that cancels it.
 */
export function watchAfterDeath(kind: WatchKind, value: string | number): () => void {
  const child = ensureWatcher();
  if (!child) return () => {};
  const start = typeof value === 'number' ? processStartTime(value) ?? undefined : undefined;
  const send = (op: 'add' | 'remove') => {
    if (child.stdin?.writable) child.stdin.write(`${JSON.stringify({ op, kind, value, start })}\n`);
  };
  send('add');
  let cancelled = false;
  return () => {
    if (cancelled) return;
    cancelled = true;
    send('remove');
  };
}

/** The watcher's pid (tests). */
export function watcherPid(): number | undefined {
  return watcher?.pid;
}
