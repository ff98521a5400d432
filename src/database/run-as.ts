// Which account runs initdb/postgres: ourselves, or `nobody` when we are root (PostgreSQL refuses to run as root).
// `nobody` exists on every Linux/macOS base image and needs no change to the system (no useradd).

import { readFileSync } from 'node:fs';
import { chown } from 'node:fs/promises';
import { UserError } from '../errors.ts';

export interface Account {
  name: string;
  uid: number;
  gid: number;
}

const UNPRIVILEGED = 'nobody';

function lookup(name: string): Account | null {
  let passwd: string;
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  for (const line of passwd.split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid && gid) return { name, uid: Number(uid), gid: Number(gid) };
  }
  return null;
}

/** Null when we are not root (run as ourselves); else the unprivileged account to run the server as. */
export function serverAccount(): Account | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const account = lookup(UNPRIVILEGED);
  if (!account) {
    throw new UserError(
      `running as root, and PostgreSQL refuses to run as root, but there is no "${UNPRIVILEGED}" user to run it as`,
      {},
      'Run alembic-preflight as a normal user, or pass --database postgresql://... to use a server you already have.',
    );
  }
  return account;
}

/** Gives a directory we created to the server account (a no-op when we run the server as ourselves). */
export async function handOver(path: string, account: Account | null): Promise<void> {
  if (account) await chown(path, account.uid, account.gid);
}
