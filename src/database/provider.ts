// The throwaway-database interface every provider implements (sqlite, postgres-local, postgres-docker, postgres-url).
// A provider only ever touches what it created, and dispose() is idempotent and safe to call on any exit path.

import type { SchemaSnapshot } from '../schema/snapshot.ts';

export type ProviderName = 'sqlite' | 'postgres-local' | 'postgres-docker' | 'postgres-url';

export interface ProvisionSpec {
  /** PostgreSQL major version wanted (postgres-local picks binaries of that major; docker picks the image tag). */
  postgresVersion?: string;
  /** Docker image for postgres-docker (default `postgres:17-alpine`). */
  postgresImage?: string;
  /** Server URL for postgres-url: a database is created in it, used, and dropped. Never used itself. */
  serverUrl?: string;
  /** Where temp dirs go (default os.tmpdir()). */
  tmpDir?: string;
  /** Progress lines (never containing a password). */
  log?: (line: string) => void;
  /** Alembic's version table, left out of snapshots (default `alembic_version`; `schema.table` when qualified). */
  versionTable?: string;
  /** SQLite snapshots are taken by the Python driver (`sqlite-snapshot`); the sqlite provider calls this. */
  sqliteSnapshot?: (path: string) => Promise<SchemaSnapshot>;
  /** The SQLite library version the driver's Python links (sqlite3.sqlite_version), reported as serverVersion. */
  sqliteVersion?: string;
  /** postgres-local only, never set from user input: also listen on 127.0.0.1 (trust auth) and hand out a TCP URL.
   * For tests and the benchmark, which use a private cluster as the "existing server" of postgres-url mode. */
  tcp?: boolean;
  /** postgres-local: also listen on 127.0.0.1 with a random scram-sha-256 password required there, and hand out
   * that TCP URL. For env.py files that build the URL from a host and a port (`--env-vars NAME={host}`), which a
   * socket directory cannot be. The socket stays in its private 0700 directory. */
  tcpPassword?: boolean;
}

export interface ThrowawayDatabase {
  provider: ProviderName;
  dialect: 'postgresql' | 'sqlite';
  /** Plain URL (postgresql://user:pass@host:port/db or sqlite:////abs/path.db) without a driver part. */
  url: string;
  serverVersion: string;
  /** Numeric server version (PostgreSQL server_version_num, e.g. 170010; SQLite 3045001). */
  serverVersionNum: number;
  /** A schema snapshot of the whole database (excluding alembic_version and system objects). */
  snapshot(): Promise<SchemaSnapshot>;
  /** Drops everything, back to an empty database. */
  reset(): Promise<void>;
  /** A restore point: a copy of the database as it is now (PostgreSQL: CREATE DATABASE ... TEMPLATE; SQLite: a
   * file copy), replacing the one before. Nobody may be connected (the driver's walk has ended). */
  checkpoint?(): Promise<void>;
  /** Back to the last restore point (reset() when there is none): the walk goes on from there instead of
   * replaying every migration from base. The point is used up (it becomes the database): take another with
   * checkpoint() to come back to it again. */
  restore?(): Promise<void>;
  /** Stops/drops/removes what provision started. Idempotent. */
  dispose(): Promise<void>;
  /** PostgreSQL: the statement a session on the database is running (for a step that timed out). */
  activeStatement?(): Promise<string | undefined>;
  /** postgres-url: what the run changed on the shared server outside its database (set by dispose()). */
  serverEffects?: ServerEffect[];
}

/** A change to a shared server's roles, databases or tablespaces, seen between before and after the run. */
export interface ServerEffect {
  kind: 'role-created' | 'role-dropped' | 'role-altered' | 'database-created' | 'database-dropped' | 'tablespace-created' | 'tablespace-dropped';
  name: string;
  /** What was done about it (a created role dropped again), or why it could not be. */
  outcome?: string;
}
