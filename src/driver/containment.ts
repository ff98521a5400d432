// Containment of the Python driver: where the throwaway database is a file (SQLite) or a cluster reached through its
// Unix socket, the driver leaves the network before any project code runs (its own user and network namespace, on
// Linux: preflight_driver/containment.py), so no code of the project, nor any process it starts, can reach another
// server. Elsewhere (a container or a server reached over TCP, a platform without namespaces, or turned off with
// ALEMBIC_PREFLIGHT_CONTAINMENT=off) the driver keeps the network, and the report says why.

import type { ThrowawayDatabase } from '../database/provider.ts';
import type { Driver } from './client.ts';

export interface Containment {
  /** `none`: the driver has no network at all; `host`: it shares this machine's network. */
  network: 'none' | 'host';
  /** What was done, or why not. */
  reason: string;
}

export const CONTAINMENT_ENV = 'ALEMBIC_PREFLIGHT_CONTAINMENT';

/** A PostgreSQL URL whose only host is a socket directory (`postgresql://u@/db?host=/dir`). */
function socketOnly(url: string): boolean {
  const m = /^[a-z0-9+]+:\/\/(?:[^@/]*@)?([^/?]*)\/[^?]*(?:\?(.*))?$/i.exec(url);
  if (!m || m[1] !== '') return false;
  const host = new URLSearchParams(m[2] ?? '').get('host');
  return host !== null && host.startsWith('/') && !host.includes(',');
}

/** What the run can have: null when the driver should leave the network, else the network it keeps and why. */
export function containmentPlan(db: Pick<ThrowawayDatabase, 'provider' | 'url'>, env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform): Containment | null {
  if ((env[CONTAINMENT_ENV] ?? '').toLowerCase() === 'off') {
    return { network: 'host', reason: `turned off by ${CONTAINMENT_ENV}=off` };
  }
  if (platform !== 'linux') return { network: 'host', reason: `network namespaces are Linux-only (this is ${platform})` };
  if (db.url.startsWith('sqlite:') || socketOnly(db.url)) return null;
  switch (db.provider) {
    case 'postgres-local':
      return { network: 'host', reason: '--env-vars maps {host}/{port}, so env.py reaches the local cluster over TCP on 127.0.0.1, which a driver without network could not' };
    case 'postgres-docker':
      return { network: 'host', reason: 'postgres-docker: the container is reached over TCP on 127.0.0.1, which a driver without network could not (postgres-local can be)' };
    default:
      return { network: 'host', reason: `${db.provider}: the server is reached over the network` };
  }
}

/** Takes the driver off the network when the database allows it; says what is in force. Called before configure,
 * the first call that may run project code (a Flask app), and before the graph imports any migration. */
export async function contain(driver: Driver, db: Pick<ThrowawayDatabase, 'provider' | 'url'>,
  log: (line: string) => void = () => {}): Promise<Containment> {
  const plan = containmentPlan(db);
  const result = plan ?? await driver.call('contain', { network: 'none' });
  log(result.network === 'none'
    ? `containment: the Python driver has no network (${result.reason})`
    : `containment: the Python driver keeps the host's network: ${result.reason}`);
  return result;
}
