// The JSON-lines protocol between TypeScript and the Python driver (the preflight_driver package): one request per line,
// `{id, method, params}`, answered by `{id, result}` or `{id, error}`; stdout carries nothing else.

import type { SchemaSnapshot } from '../schema/snapshot.ts';

export interface DriverErrorPayload {
  /** config: alembic.ini / env.py / script location at fault; load: a migration file does not import;
   * migration: a migration raised while running; refused: env.py tried to reach a database that is not ours;
   * internal: a bug in the driver. */
  kind: 'config' | 'load' | 'migration' | 'refused' | 'offline' | 'internal';
  message: string;
  revision?: string;
  /** Relative to the project directory. */
  file?: string;
  line?: number;
  traceback?: string;
  /** The database's own error, when there is one (exception: the DBAPI error's class; always there). */
  db?: { exception?: string; code?: string; detail?: string; hint?: string; statement?: string };
  /** Steps that completed before the failure (upgrade/downgrade). */
  steps?: MigrationStep[];
}

export interface InspectResult {
  python: string;
  alembic: string;
  sqlalchemy: string;
  /** The SQLite library version of this interpreter (what a SQLite throwaway database really runs). */
  sqlite: string;
  /** Absolute path of the Alembic config file used, or null for a pyproject.toml-only project. */
  configFile: string | null;
  scriptLocation: string;
  versionLocations: string[];
  /** Dialect and driver of the project's own URL (never the URL itself): e.g. postgresql + asyncpg. */
  projectUrl: { dialect: string; driver: string | null; source: string } | null;
  /** True when env.py builds an async engine (create_async_engine / async_engine_from_config / AsyncEngine). */
  asyncEnv: boolean;
  /** `revision_environment = true`: env.py is run to find the migrations, as `alembic revision` does. */
  revisionEnvironment?: boolean;
  /** Importable DBAPI modules (psycopg2, psycopg, asyncpg, pg8000, aiosqlite, greenlet) and SQLAlchemy's default
   * driver per dialect. */
  drivers?: { installed: string[]; defaults: Record<string, string> };
  /** A Flask-Migrate project: the app (as FLASK_APP / --flask-app give it, or null: Flask's own discovery) and the
   * directory it is looked for in. */
  flask?: { app: string | null; appRoot: string } | null;
}

export interface ConfigureParams {
  /** The throwaway database URL, with the project's driver (e.g. postgresql+asyncpg://...). */
  url: string;
  /** Names of the environment variables env.py reads the database from (named in the guard's refusals). */
  envVars: string[];
  /** Their values (NAME → the URL, or a part of it for NAME={host} style entries), set before project code runs. */
  envValues?: Record<string, string>;
}

export interface RevisionRecord {
  revision: string;
  downRevisions: string[];
  dependsOn: string[];
  branchLabels: string[];
  /** Relative to the project directory. */
  file: string;
  /** Line of the `revision = ...` assignment. */
  line: number | null;
  message: string;
  /** upgrade() / downgrade() body is `pass`, or raises NotImplementedError, or is missing. */
  downgrade: 'ok' | 'pass' | 'raises' | 'missing';
  downgradeLine: number | null;
}

export interface GraphResult {
  revisions: RevisionRecord[];
  /** Files in the versions directories that could not be loaded (syntax error, import error). */
  loadErrors: DriverErrorPayload[];
}

/** Facts observed on PostgreSQL around one statement (only when tracing facts). */
export interface StatementFacts {
  /** Locks newly taken by this statement on relations that existed before the migration started. Relations are
   * schema-qualified (`public.users`); kind is `table`, `index`, `sequence`, `view`, `materialized-view`,
   * `partitioned-table`, `partitioned-index` or `foreign-table`. In an autocommit block (inTransaction false) the
   * statement's own locks are already released when it returns, so none are seen. */
  locks: { relation: string; mode: string; kind?: string }[];
  /** Tables/indexes whose relfilenode changed: rewritten by this statement. */
  rewritten: string[];
  lockTimeout: string;
  statementTimeout: string;
  /** Whether a transaction was open when the statement ran (false inside autocommit_block). */
  inTransaction: boolean;
}

export interface ExecutedStatement {
  sql: string;
  /** Relative to the project directory; the migration file that issued the statement. */
  file: string | null;
  line: number | null;
  /** e.g. `op.create_index`, `op.execute`, `batch_op.alter_column`. */
  call: string | null;
  durationMs: number;
  facts?: StatementFacts;
}

export interface MigrationStep {
  revision: string;
  direction: 'up' | 'down';
  durationMs: number;
  statements: ExecutedStatement[];
}

export interface MigrateParams {
  /** An Alembic target: `head`, `base`, `+1`, `-1`, a revision id, `heads`. */
  target: string;
  /** Record statements with file:line (always cheap). */
  trace?: boolean;
  /** On PostgreSQL, also record locks, rewrites and timeouts per statement. */
  facts?: boolean;
}

export interface StepParams {
  revision: string;
  direction: 'up' | 'down';
  trace?: boolean;
  facts?: boolean;
}

/** How the driver takes snapshots during a walk: PostgreSQL runs the catalog queries TS built
 * (postgres-snapshot.ts snapshotQueries); SQLite uses the driver's own reader. */
export type WalkSnapshotSpec =
  | { kind: 'postgresql'; queries: string[]; partialQueries?: string[] }
  | { kind: 'sqlite'; full?: boolean }
  /** No snapshots at all (no check compares them: `--checks lint`, `--checks drift`). */
  | { kind: 'none' };

/** A snapshot as the driver returns it: the catalog queries' JSON texts (PostgreSQL) or the snapshot (SQLite). */
export type RawSnapshot = string[] | SchemaSnapshot;

export interface WalkParams {
  /** In order; each must be applicable after the ones before it. */
  revisions: { revision: string; stairway: boolean }[];
  /** PostgreSQL lock/rewrite facts on each first upgrade. */
  facts: boolean;
  snapshot: WalkSnapshotSpec;
  /** Return the snapshot taken before the first revision. */
  initial: boolean;
  /** Revisions after whose first upgrade the snapshot is returned whole. */
  full: string[];
  /** Return the snapshot after the last revision. */
  head: boolean;
  /** This revision's downgrade failed in the walk before: go on only if the database is as it was after its
   * upgrade (its version applied, the same schema), else answer resumed: false and walk nothing. */
  resume?: string;
  /** The seeded stairway (`data` check): rows in every user table before each upgrade, compared after its
   * downgrade (preflight_driver/data_walk.py). */
  data?: boolean;
  /** Revisions not seeded before their upgrade (a step of theirs failed on seeded rows: tried again without). */
  noSeed?: string[];
}

/** What a row-level finding of the seeded stairway names: the table, the column, and the row as it was. */
export interface DataLoss {
  kind: 'lost-row' | 'changed' | 'moved';
  table: string;
  schema?: string;
  column?: string | null;
  /** The row before the upgrade (values normalised: numbers, ISO times, JSON text). */
  row: Record<string, unknown>;
  /** How many rows show the same loss. */
  count: number;
  /** The value after upgrade + downgrade (changed, moved). */
  after?: unknown;
  /** Where the upgrade put the value (moved): `table.column`. */
  movedTo?: string;
}

/** The seeded stairway's part of one revision. */
export interface RevisionData {
  /** Rows in the user tables before the upgrade. */
  rows?: number;
  /** Rows the seeder inserted before the upgrade, per table. */
  seeded?: Record<string, number>;
  /** Rows of ours went in during this walk; they stay in the tables after the seeder fails (error). */
  anySeeded?: boolean;
  lost?: DataLoss[];
  /** The seeder or the comparison failed (the walk went on without them). */
  error?: string;
  /** [tool.alembic-preflight.data]: the hand-written seeds run before this upgrade, assertions checked after it. */
  hand?: HandResults;
}

/** One hand-written seed or assertion as it ran (preflight_driver/data_hand.py). */
export interface HandRun {
  /** DataScript.name: the file (with `:function`) or the query. */
  name: string;
  ok: boolean;
  /** Why it failed (the database's error, the AssertionError's message), or why it did not run. */
  error?: string;
  /** Not run: the reason (a seed of the revision failed, the upgrade failed on rows). */
  skipped?: string;
  /** An SQL assertion that failed: how many rows it returned, and the first few (values normalised). */
  count?: number;
  rows?: Record<string, unknown>[];
}

export interface HandResults {
  seeds: HandRun[];
  asserts?: HandRun[];
}

/** What the driver needs to run [tool.alembic-preflight.data] in the walks that follow. */
export interface DataHandParams {
  /** Insert generated rows as well as the hand-written ones. */
  generate: boolean;
  /** The walk's order (oldest first): a revision's seeds go in when the database is at the one before it. */
  order: string[];
  revisions: Record<string, { seed: DataScriptSpec[]; assert: DataScriptSpec[] }>;
}

export interface DataScriptSpec {
  kind: 'sql' | 'python' | 'rows';
  name: string;
  path?: string;
  sql?: string;
  function?: string;
  /** rows: the table (`name` or `schema.name`) and the rows to insert. */
  table?: string;
  rows?: Record<string, unknown>[];
}

export interface WalkRevision {
  revision: string;
  /** Missing for the revision whose first upgrade failed. */
  upgrade?: MigrationStep;
  downgrade?: MigrationStep;
  /** Present when the snapshot after the downgrade differs (by digest) from the one before the upgrade. */
  trace?: { before: RawSnapshot; afterDown: RawSnapshot };
  data?: RevisionData;
}

export interface WalkResult {
  revisions: WalkRevision[];
  /** Present when params.resume was given. */
  resumed?: boolean;
  initial?: RawSnapshot;
  full: Record<string, RawSnapshot>;
  head?: RawSnapshot;
  /** Where the walk stopped: the first upgrade, the downgrade, or the upgrade after it ('reup'). */
  failure?: {
    revision: string;
    phase: 'up' | 'down' | 'reup';
    error: DriverErrorPayload;
    /** With `data`: the rows before the failed step, and a row of the table the failing statement names. */
    data?: RevisionData & { row?: { table: string; row: Record<string, unknown> } | null };
  };
  /** Where the walk's time went (for progress lines and the benchmark). */
  timings?: { totalMs: number; snapshotMs: number; snapshots: number; upMs?: number; downMs?: number; reupMs?: number; seedMs?: number };
  /** How the snapshots were read: in full, or only the roots (tables...) the steps touched. */
  snapshotReads?: { full: number; partial: number; roots: number; oneTrip?: number; analyzed?: number };
}

export interface MigrateResult {
  steps: MigrationStep[];
  /** Revisions in alembic_version afterwards. */
  current: string[];
  /** The version table env.py configured (`version_table`, `version_table_schema`), as the run used it. */
  versionTable: { name: string; schema: string | null };
}

export interface OfflineParams {
  /** `upgrade` from..to (`base:head`, `abc:def`) or `downgrade` from..to (`head:base`). */
  direction: 'up' | 'down';
  range: string;
}

export interface OfflineRevisionSql {
  revision: string;
  sql: string;
  statements: ExecutedStatement[];
}

export interface OfflineResult {
  revisions: OfflineRevisionSql[];
  /** Revisions whose offline mode failed (kind 'offline', with revision and file); the driver carried on past each
   * one as if it had been applied, so the other revisions still have their SQL. */
  failures?: DriverErrorPayload[];
}

/** One difference between target_metadata and the database at head, as autogenerate sees it (preflight_driver/drift.py). */
export interface DriftItem {
  /** Autogenerate's diff kind: add_table, remove_column, modify_type, add_index, ... */
  kind: string;
  table: string | null;
  message: string;
  /** The op.* code autogenerate would write. */
  code: string;
  /** The SQL that code would run, or null with sqlError when it cannot be rendered offline. */
  sql: string | null;
  sqlError: string | null;
  /** What autogenerate cannot see here (renames...), said next to the finding. */
  blind?: string;
  /** For what the driver compares beside autogenerate (PostgreSQL enum labels): how to apply the code safely. */
  note?: string;
  /** Absent: an error. */
  severity?: 'warning';
}

export interface RegistrationResult {
  packages: string[];
  /** The packages were found from where target_metadata's models live (not configured). */
  discovered: boolean;
  /** Model modules imported (by env.py already, or by the check because their source defines tables). */
  imported: string[];
  /** Modules of the packages whose source (read with ast, never run) defines no table: not imported. */
  skipped?: string[];
  importErrors: { module: string; message: string; traceback: string }[];
  unregistered: { table: string; module: string | null; className: string | null; otherMetadata: boolean }[];
}

/** The check itself could not run (the other fields are then absent). */
export interface RegistrationFailure {
  error: { module: string | null; message: string; traceback: string };
}

export interface DriftResult {
  hasMetadata: boolean;
  items: DriftItem[];
  notes: string[];
  registration: RegistrationResult | RegistrationFailure | null;
}

/** The line the driver writes before any request (id 0): what it runs on, or why it cannot run. */
export interface DriverHello {
  python: string;
  executable: string;
  alembic: string;
  sqlalchemy: string;
  pid: number;
  /** From the first line of the driver to ready (imports of alembic and sqlalchemy included). */
  startupMs: number;
}

export interface DriverMethods {
  inspect: { params: { projectDir: string; configFile: string | null; section: string; flaskApp?: string }; result: InspectResult };
  /** flaskApp: the import name of the Flask app a Flask-Migrate project's configure loaded (the first time). */
  configure: { params: ConfigureParams; result: { ok: true; flaskApp?: string } };
  graph: { params: Record<string, never>; result: GraphResult };
  upgrade: { params: MigrateParams; result: MigrateResult };
  downgrade: { params: MigrateParams; result: MigrateResult };
  /** Applies or reverts exactly one revision (Alembic's MigrationStep for that script), whatever else is applied:
   * the stairway's unit of work, right on branches and merges where `+1`/`-1` are ambiguous. */
  step: { params: StepParams; result: MigrateResult };
  /** The stairway walk in one env.py run (preflight_driver/walk.py): the fast path of checks/walk.ts. */
  walk: { params: WalkParams; result: WalkResult };
  /** Closes the idle pooled connections of the project's engines before the database is reset or restored
   * (preflight_driver/pools.py). */
  release: { params: Record<string, never>; result: { released: number; left: number } };
  /** Hand-written seeds and assertions for the `data` walks that follow (preflight_driver/data_hand.py). */
  'data-hand': { params: DataHandParams; result: { ok: true } };
  offline: { params: OfflineParams; result: OfflineResult };
  current: { params: Record<string, never>; result: { current: string[] } };
  /** Models vs the database at head through env.py (preflight_driver/drift.py), and model modules env.py never imports. */
  drift: { params: { registration: boolean; modelPackages: string[] }; result: DriftResult };
  'sqlite-snapshot': { params: { path: string }; result: SchemaSnapshot };
  /** Leave the network: its own user and network namespace (preflight_driver/containment.py); says what is in force. */
  contain: { params: { network: 'none' }; result: { network: 'none' | 'host'; reason: string } };
  /** PostgreSQL: each statement timed on its table with and without generated rows, rolled back (lock_cost.py). */
  'lock-cost': { params: LockCostParams; result: { results: LockCostMeasure[] } };
}

export interface LockCostParams {
  /** `table`: schema-qualified; `before`: the revision's statements before this one, run untimed first. */
  items: { id: string; table: string; sql: string; before: string[] }[];
  /** Rows to generate (default 10,000), more (x4, up to maxRows) while the difference stays under minDeltaMs. */
  rows?: number;
  maxRows?: number;
  minDeltaMs?: number;
}

export interface LockCostMeasure {
  id: string;
  table: string;
  /** Rows generated; emptyMs / fullMs: the statement without and with them. */
  rows?: number;
  emptyMs?: number;
  fullMs?: number;
  /** (fullMs - emptyMs) / rows, in microseconds; absent with `error`. */
  usPerRow?: number;
  error?: string;
}

export type DriverMethod = keyof DriverMethods;
