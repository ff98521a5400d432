// The one database a PostgreSQL provider creates, uses and drops, reached through an admin connection to another
// database of the same server. Shared by postgres-local, postgres-docker and postgres-url; it never touches others.

import pg from 'pg';
import { snapshotPostgres } from '../schema/postgres-snapshot.ts';
import type { SchemaSnapshot } from '../schema/snapshot.ts';

/** How to reach a database of the server by name (host, port, credentials, TLS: all but the database). */
export type ConnectionTarget = (database: string) => pg.ClientConfig;

/** A connected client whose 'error' events (server gone, backend terminated) are recorded instead of crashing us. */
export async function connectClient(config: pg.ClientConfig): Promise<pg.Client> {
  const client = new pg.Client(config);
  client.on('error', () => {
    // The next query on this client fails with the real error; an idle client losing its server is expected
    // when a database is dropped WITH (FORCE) or the server stops.
  });
  await client.connect();
  return client;
}

export interface ServerVersion {
  serverVersion: string;
  serverVersionNum: number;
}

export async function serverVersionOf(client: pg.Client): Promise<ServerVersion> {
  const r = await client.query<{ v: string; n: string }>(
    "SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS n",
  );
  const row = r.rows[0]!;
  return { serverVersion: row.v.split(' ')[0]!, serverVersionNum: Number(row.n) };
}

export class WorkingDatabase {
  private snapshotClient: pg.Client | null = null;
  private closed = false;
  /** snapshot/reset/close run one at a time: a reset under a running snapshot would break both. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly admin: pg.Client,
    private readonly target: ConnectionTarget,
    readonly name: string,
    readonly version: ServerVersion,
    private readonly excludeTables: string[],
    private readonly fileCopy: boolean,
  ) {}

  /** Creates `name` through `admin`, which this object then owns (close() ends it). */
  static async create(
    admin: pg.Client,
    target: ConnectionTarget,
    name: string,
    opts: { excludeTables: string[]; fileCopy?: boolean },
  ): Promise<WorkingDatabase> {
    const version = await serverVersionOf(admin);
    const db = new WorkingDatabase(admin, target, name, version, opts.excludeTables, opts.fileCopy ?? false);
    await db.createDatabase();
    return db;
  }

  private quoted(): string {
    return this.admin.escapeIdentifier(this.name);
  }

  private async createDatabase(): Promise<void> {
    // template0: a clean database whatever a server's template1 holds. STRATEGY exists from PostgreSQL 15.
    const strategy = this.fileCopy && this.version.serverVersionNum >= 150000 ? ' STRATEGY FILE_COPY' : '';
    await this.admin.query(`CREATE DATABASE ${this.quoted()} TEMPLATE template0${strategy}`);
  }

  private async dropDatabase(name = this.name): Promise<void> {
    const quoted = this.admin.escapeIdentifier(name);
    if (this.version.serverVersionNum >= 130000) {
      await this.admin.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`);
      return;
    }
    await this.admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
    );
    await this.admin.query(`DROP DATABASE IF EXISTS ${quoted}`);
  }

  /** The restore point's database: our own name with a suffix (cut to fit PostgreSQL's 63-byte names). */
  private get checkpointName(): string {
    return `${this.name.slice(0, 52)}_checkpoint`;
  }

  private hasCheckpoint = false;

  private async copy(from: string, to: string): Promise<void> {
    // The copy needs the source to itself: sessions left by a pooled env.py engine are ended first.
    await this.admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [from],
    );
    const strategy = this.fileCopy && this.version.serverVersionNum >= 150000 ? ' STRATEGY FILE_COPY' : '';
    await this.admin.query(`CREATE DATABASE ${this.admin.escapeIdentifier(to)} TEMPLATE ${this.admin.escapeIdentifier(from)}${strategy}`);
  }

  /** A restore point: a copy of the database as it is now, replacing the previous one. */
  checkpoint(): Promise<void> {
    return this.serially(async () => {
      await this.closeSnapshotClient();
      await this.dropDatabase(this.checkpointName);
      this.hasCheckpoint = false;
      await this.copy(this.name, this.checkpointName);
      this.hasCheckpoint = true;
    });
  }

  /** Back to the restore point (an empty database when there is none), which is used up: the restore point
   * becomes the database (a rename, not a copy; the walk takes its next point once it has replayed to it). */
  restore(): Promise<void> {
    return this.serially(async () => {
      await this.closeSnapshotClient();
      await this.dropDatabase();
      if (!this.hasCheckpoint) {
        await this.createDatabase();
        return;
      }
      await this.admin.query(`ALTER DATABASE ${this.admin.escapeIdentifier(this.checkpointName)} RENAME TO ${this.quoted()}`);
      this.hasCheckpoint = false;
    });
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  snapshot(): Promise<SchemaSnapshot> {
    return this.serially(async () => {
      this.snapshotClient ??= await connectClient(this.target(this.name));
      return snapshotPostgres(this.snapshotClient, { excludeTables: this.excludeTables });
    });
  }

  private async closeSnapshotClient(): Promise<void> {
    const c = this.snapshotClient;
    this.snapshotClient = null;
    if (c) await c.end();
  }

  /** Back to an empty database: drop (disconnecting whoever is connected) and create again. */
  reset(): Promise<void> {
    return this.serially(async () => {
      await this.closeSnapshotClient();
      await this.dropDatabase();
      await this.createDatabase();
    });
  }

  /** What another session on our database is running (or ran last, when idle in a transaction): the migration's
   * statement, for a step that timed out. Not queued behind snapshot/reset: it must answer while a step hangs. */
  async activeStatement(): Promise<string | undefined> {
    if (this.closed) return undefined;
    const r = await this.admin.query<{ query: string; state: string }>(
      `SELECT query, state FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()
        AND backend_type = 'client backend' ORDER BY (state = 'active') DESC, state_change DESC LIMIT 1`,
      [this.name],
    );
    const row = r.rows[0];
    if (!row?.query) return undefined;
    return row.state === 'active' ? row.query : `${row.query} (finished; the session is ${row.state})`;
  }

  /** Drops the database (when asked) and closes our connections. Idempotent. */
  close(opts: { drop: boolean }): Promise<void> {
    return this.serially(async () => {
      if (this.closed) return;
      this.closed = true;
      try {
        await this.closeSnapshotClient();
        if (opts.drop) await this.dropDatabase();
        if (this.hasCheckpoint) await this.dropDatabase(this.checkpointName);
      } finally {
        await this.admin.end();
      }
    });
  }
}
