// Shared by the guard tests: a copy of fixtures/healthy with one hostile migration on top, and a census of what a
// run leaves behind (its temp dirs, PostgreSQL servers, Python processes, processes its migrations started).
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from '../support/env.ts';

export const HEALTHY_HEAD = 'ce5aaaef5033';
export const HOSTILE = 'eeee00000001';

/** fixtures/healthy plus revision eeee00000001 whose upgrade() body is `upgradeBody` (Python, 4-space indented). */
export function hostileProject(work: string, name: string, upgradeBody: string, imports = ''): string {
  const dir = join(work, name);
  cpSync(fixture('healthy'), dir, { recursive: true });
  writeFileSync(join(dir, 'migrations', 'versions', `${HOSTILE}_hostile.py`), `"""hostile

Revision ID: ${HOSTILE}
Revises: ${HEALTHY_HEAD}
"""
import os
import sys
import time
${imports}
from alembic import op
import sqlalchemy as sa

revision = '${HOSTILE}'
down_revision = '${HEALTHY_HEAD}'
branch_labels = None
depends_on = None


def upgrade():
${upgradeBody}


def downgrade():
    pass
`);
  return dir;
}

export function workDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `preflight-guard-${name}-`));
}

function cmdline(pid: string): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return null;
  }
}

function live(pid: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

function cwdOf(pid: string): string | null {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return null;
  }
}

/** Temp dirs made by the run with this pid (their owner marker says so), in /dev/shm and the OS temp dir. */
function dirsOf(runPid: number): string[] {
  const out: string[] = [];
  for (const base of ['/dev/shm', tmpdir()]) {
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base)) {
      if (!entry.startsWith('alembic-preflight-')) continue;
      try {
        const owner = JSON.parse(readFileSync(join(base, entry, '.alembic-preflight-owner'), 'utf8')) as { pid: number };
        if (owner.pid === runPid) out.push(join(base, entry));
      } catch {
        // no marker, or removed while we looked
      }
    }
  }
  return out;
}

export interface Census {
  dirs: string[];
  /** postgres servers running from one of the run's dirs. */
  servers: string[];
  /** Python processes working in the project dir (the driver). */
  pythons: string[];
  /** Processes whose command line carries the marker (started by a migration). */
  marked: string[];
}

export function census(runPid: number, projectDir: string, marker = '\u0000none'): Census {
  const dirs = dirsOf(runPid);
  const c: Census = { dirs, servers: [], pythons: [], marked: [] };
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || !live(pid)) continue;
    const cmd = cmdline(pid);
    if (!cmd) continue;
    if (cmd.includes('postgres') && cmd.includes('alembic-preflight-pg-')) {
      if (dirs.some((d) => cmd.includes(d)) || cmd.includes(`alembic-preflight-pg-`) && dirsGone(cmd)) c.servers.push(`${pid} ${cmd}`);
    }
    if (/python/.test(cmd) && cwdOf(pid) === projectDir) c.pythons.push(`${pid} ${cmd}`);
    if (cmd.includes(marker)) c.marked.push(`${pid} ${cmd}`);
  }
  return c;
}

/** A server whose data dir no longer exists is an orphan of a run that removed its dir without stopping it. */
function dirsGone(cmd: string): boolean {
  const m = / -D (\S+)\/data /.exec(`${cmd} `);
  return Boolean(m && !existsSync(m[1]!));
}

export function isClean(c: Census): boolean {
  return c.dirs.length + c.servers.length + c.pythons.length + c.marked.length === 0;
}

export async function until(what: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!what()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}
