// Test helper: which live processes mention a path in their command line (a cluster's data dir), from /proc.
import { readdirSync, readFileSync } from 'node:fs';

export function processesMentioning(text: string): { pid: number; cmdline: string }[] {
  const out: { pid: number; cmdline: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    let stat: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch (error) {
      // The process ended while we looked.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ESRCH') continue;
      throw error;
    }
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state !== 'Z' && cmdline.includes(text)) out.push({ pid: Number(entry), cmdline });
  }
  return out;
}

/** The cluster dir of a postgres-local database: the socket directory its URL names (`?host=/dir`). */
export function clusterDirOf(url: string): string {
  // Not `new URL()`: a user with an empty host (`postgres@/db`) is libpq's form, not WHATWG's.
  const m = /[?&]host=([^&]+)/.exec(url);
  const dir = m ? decodeURIComponent(m[1]!) : null;
  if (!dir?.startsWith('/')) throw new Error(`not a postgres-local socket URL: ${url}`);
  const server = processesMentioning(`-D ${dir}/data `)[0];
  if (!server) throw new Error(`no postgres process runs from ${dir}/data`);
  return dir;
}
