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

/** Data dir of a postgres-local database, from the running server's command line (found by its port). */
export function clusterDirOf(url: string): string {
  const port = new URL(url).port;
  const server = processesMentioning(`-p ${port} `).find((p) => p.cmdline.includes(' -D '));
  if (!server) throw new Error(`no postgres process listens on port ${port}`);
  const m = / -D (\S+)\/data /.exec(server.cmdline);
  if (!m) throw new Error(`unexpected postgres command line: ${server.cmdline}`);
  return m[1]!;
}
