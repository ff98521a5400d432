// What a run changes on a shared PostgreSQL server outside its own database: roles, databases and tablespaces are
// cluster-wide, so a migration's CREATE ROLE or DROP DATABASE reaches past the throwaway database. Snapshot before
// and after; roles the run created are dropped again, the rest is reported (it cannot be undone from here).

import type pg from 'pg';
import type { ServerEffect } from './provider.ts';

export interface ServerState {
  /** role name → its attributes (superuser, login, createdb, connection limit...), as one comparable text. */
  roles: Map<string, string>;
  databases: Set<string>;
  tablespaces: Set<string>;
}

/** Other runs' throwaway databases (postgres-url.ts names them so) come and go on a shared server: not ours to report. */
const THROWAWAY_NAME = /^preflight_[0-9a-f]{12}$/;

export async function serverState(client: pg.Client): Promise<ServerState> {
  const roles = await client.query<{ name: string; attrs: string }>(
    `SELECT rolname AS name, concat_ws(',', rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin,
            rolreplication, rolbypassrls, rolconnlimit, rolvaliduntil, array_to_string(rolconfig, ';')) AS attrs
       FROM pg_roles`,
  );
  const databases = await client.query<{ name: string }>('SELECT datname AS name FROM pg_database');
  const tablespaces = await client.query<{ name: string }>('SELECT spcname AS name FROM pg_tablespace');
  return {
    roles: new Map(roles.rows.map((r) => [r.name, r.attrs])),
    databases: new Set(databases.rows.map((r) => r.name).filter((n) => !THROWAWAY_NAME.test(n))),
    tablespaces: new Set(tablespaces.rows.map((r) => r.name)),
  };
}

export function diffServerState(before: ServerState, after: ServerState): ServerEffect[] {
  const effects: ServerEffect[] = [];
  for (const [name, attrs] of after.roles) {
    if (!before.roles.has(name)) effects.push({ kind: 'role-created', name });
    else if (before.roles.get(name) !== attrs) effects.push({ kind: 'role-altered', name });
  }
  for (const name of before.roles.keys()) if (!after.roles.has(name)) effects.push({ kind: 'role-dropped', name });
  for (const name of after.databases) if (!before.databases.has(name)) effects.push({ kind: 'database-created', name });
  for (const name of before.databases) if (!after.databases.has(name)) effects.push({ kind: 'database-dropped', name });
  for (const name of after.tablespaces) if (!before.tablespaces.has(name)) effects.push({ kind: 'tablespace-created', name });
  for (const name of before.tablespaces) if (!after.tablespaces.has(name)) effects.push({ kind: 'tablespace-dropped', name });
  return effects;
}

/** Drops the roles the run created (after its database is gone, so nothing of ours depends on them). A role that
 * something else on the server now depends on stays, and the finding says why. */
export async function dropCreatedRoles(client: pg.Client, effects: ServerEffect[]): Promise<void> {
  for (const effect of effects) {
    if (effect.kind !== 'role-created') continue;
    try {
      await client.query(`DROP ROLE ${client.escapeIdentifier(effect.name)}`);
      effect.outcome = 'dropped again at the end of the run';
    } catch (error) {
      effect.outcome = `could not drop it: ${(error as Error).message}`;
    }
  }
}
