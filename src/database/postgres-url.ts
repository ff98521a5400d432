// The postgres-url provider: on a server the user names, create `preflight_<random>`, use only that, drop it at
// the end. The URL's own database is used for CREATE/DROP DATABASE and nothing else, and is never a fallback.

import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { UserError } from '../errors.ts';
import { registerDisposable } from './cleanup.ts';
import { WorkingDatabase, connectClient, type ConnectionTarget } from './postgres-working-database.ts';
import type { ProvisionSpec, ThrowawayDatabase } from './provider.ts';
import { diffServerState, dropCreatedRoles, serverState, type ServerState } from './server-effects.ts';
import { databaseName, maskUrl, maskUrlsIn, urlScheme, withDatabase, withDriver } from './url.ts';

const INSUFFICIENT_PRIVILEGE = '42501';

export function throwawayDatabaseName(): string {
  return `preflight_${randomBytes(6).toString('hex')}`;
}

export async function provisionPostgresUrl(spec: ProvisionSpec): Promise<ThrowawayDatabase> {
  const log = spec.log ?? (() => {});
  const serverUrl = spec.serverUrl;
  if (!serverUrl || urlScheme(serverUrl)?.dialect !== 'postgresql') {
    throw new UserError('a database URL must be a PostgreSQL server URL (postgresql://user:pass@host:port/db)',
      { input: 'database' });
  }
  // The user's URL may carry a SQLAlchemy driver part; pg wants the plain form.
  const plainUrl = withDriver(serverUrl, null);
  const masked = maskUrl(plainUrl);
  let admin: pg.Client;
  try {
    admin = await connectClient({ connectionString: plainUrl });
  } catch (error) {
    throw new UserError(`cannot connect to ${masked}: ${maskUrlsIn((error as Error).message)}`, { input: 'database' });
  }

  const target: ConnectionTarget = (database) => ({ connectionString: withDatabase(plainUrl, database) });
  const name = throwawayDatabaseName();
  let working: WorkingDatabase;
  let before: ServerState;
  try {
    // Roles, databases and tablespaces are the server's, not a database's: what a migration does to them shows
    // only by comparing the whole server before and after.
    before = await serverState(admin);
    working = await WorkingDatabase.create(admin, target, name, {
      excludeTables: [spec.versionTable ?? 'alembic_version'],
    });
  } catch (error) {
    await admin.end();
    const e = error as Error & { code?: string };
    if (e.code === INSUFFICIENT_PRIVILEGE) {
      throw new UserError(
        `the role in ${masked} may not create databases (CREATE DATABASE: ${e.message})`,
        { input: 'database' },
        'alembic-preflight only ever works in a database it creates and drops itself, and never in ' +
          `"${databaseName(plainUrl) ?? 'the URL\'s own database'}". Grant CREATEDB to the role ` +
          '(ALTER ROLE ... CREATEDB), or use --database postgres-local / postgres-docker.',
      );
    }
    throw new UserError(`cannot create a database on ${masked}: ${maskUrlsIn(e.message)}`, { input: 'database' });
  }

  let disposed: Promise<void> | null = null;
  const dispose = (): Promise<void> => {
    disposed ??= (async () => {
      try {
        await working.close({ drop: true });
        await settleServerEffects();
      } finally {
        unregister();
      }
    })();
    return disposed;
  };
  /** After our database is dropped: what else changed on the server; roles the run created are dropped again. */
  const settleServerEffects = async (): Promise<void> => {
    const client = await connectClient({ connectionString: plainUrl });
    try {
      const effects = diffServerState(before, await serverState(client));
      await dropCreatedRoles(client, effects);
      db.serverEffects = effects;
      for (const e of effects) log(`postgres-url: server-wide change during the run: ${e.kind} "${e.name}"${e.outcome ? ` (${e.outcome})` : ''}`);
    } finally {
      await client.end();
    }
  };
  // No disposeSync: dropping a database needs a round trip; if we are killed outright, `name` is left behind.
  const unregister = registerDisposable({ name: `database ${name} on ${masked}`, dispose });
  const { serverVersion, serverVersionNum } = working.version;
  log(`postgres-url: created database ${name} on ${maskUrl(withDatabase(plainUrl, name))} (PostgreSQL ${serverVersion})`);
  const db: ThrowawayDatabase = {
    provider: 'postgres-url',
    dialect: 'postgresql',
    url: withDatabase(plainUrl, name),
    serverVersion,
    serverVersionNum,
    snapshot: () => working.snapshot(),
    reset: () => working.reset(),
    checkpoint: () => working.checkpoint(),
    restore: () => working.restore(),
    activeStatement: () => working.activeStatement(),
    dispose,
  };
  return db;
}
