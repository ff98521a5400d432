// The postgres-docker provider: a PostgreSQL container started with testcontainers (image default
// postgres:17-alpine), stopped and removed on dispose; testcontainers' reaper removes it if we die first.

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { registerDisposable } from './cleanup.ts';
import { loadTestcontainers } from './testcontainers-module.ts';
import { WorkingDatabase, connectClient, type ConnectionTarget } from './postgres-working-database.ts';
import type { ProvisionSpec, ThrowawayDatabase } from './provider.ts';

const DEFAULT_IMAGE = 'postgres:17-alpine';
const WORKING_DATABASE = 'preflight';
const PING_TIMEOUT_MS = 1_500;
const THROWAWAY_SETTINGS = [
  'fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'wal_level=minimal', 'max_wal_senders=0',
  'autovacuum=off', 'jit=off',
];

export function dockerImage(spec: ProvisionSpec): string {
  if (spec.postgresImage) return spec.postgresImage;
  return spec.postgresVersion ? `postgres:${spec.postgresVersion}-alpine` : DEFAULT_IMAGE;
}

/** The Unix sockets testcontainers itself would try, in its order (DOCKER_HOST aside). */
function candidateSockets(): string[] {
  const out: string[] = [];
  if (process.env.XDG_RUNTIME_DIR) out.push(join(process.env.XDG_RUNTIME_DIR, 'docker.sock'));
  out.push(join(homedir(), '.docker', 'run', 'docker.sock'), join(homedir(), '.docker', 'desktop', 'docker.sock'));
  if (process.platform === 'linux' || process.platform === 'darwin') out.push(`/run/user/${userInfo().uid}/docker.sock`);
  out.push('/var/run/docker.sock');
  return out;
}

function pingSocket(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', method: 'GET', timeout: PING_TIMEOUT_MS }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    // Any error (refused, no permission, timeout) means "no engine answers here".
    req.on('error', () => resolve(false));
    req.end();
  });
}

async function askTestcontainers(): Promise<boolean> {
  const { getContainerRuntimeClient } = await loadTestcontainers();
  const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), 5_000).unref());
  const found = getContainerRuntimeClient().then(
    () => true,
    () => false,
  );
  return Promise.race([found, timeout]);
}

/**
 * Whether a Docker engine answers. Cheap when there is none: without DOCKER_HOST, a testcontainers config or a
 * Windows pipe, it only looks for the usual sockets and pings the first that exists (testcontainers is not loaded).
 */
export async function dockerAvailable(): Promise<boolean> {
  const dockerHost = process.env.DOCKER_HOST;
  if (dockerHost?.startsWith('unix://')) return pingSocket(dockerHost.slice('unix://'.length));
  if (dockerHost || process.env.TESTCONTAINERS_HOST_OVERRIDE || process.platform === 'win32'
    || existsSync(join(homedir(), '.testcontainers.properties'))) {
    return askTestcontainers();
  }
  const socket = candidateSockets().find((s) => existsSync(s));
  return socket ? pingSocket(socket) : false;
}

export async function provisionPostgresDocker(spec: ProvisionSpec): Promise<ThrowawayDatabase> {
  const log = spec.log ?? (() => {});
  const image = dockerImage(spec);
  const started = performance.now();
  // Loaded only here: importing testcontainers costs about half a second.
  const { GenericContainer, Wait } = await loadTestcontainers();
  const password = randomBytes(18).toString('base64url');
  const command = ['postgres'];
  for (const setting of THROWAWAY_SETTINGS) command.push('-c', setting);
  log(`postgres-docker: starting ${image}`);
  let container: Awaited<ReturnType<InstanceType<typeof GenericContainer>['start']>>;
  try {
    container = await new GenericContainer(image)
      .withEnvironment({ POSTGRES_PASSWORD: password, POSTGRES_USER: 'postgres', POSTGRES_DB: 'postgres' })
      .withCommand(command)
      .withExposedPorts(5432)
      // The entrypoint starts a temporary server to run init scripts, then the real one: wait for the second.
      .withWaitStrategy(Wait.forAll([
        Wait.forLogMessage(/database system is ready to accept connections/, 2),
        Wait.forListeningPorts(),
      ]))
      .withStartupTimeout(120_000)
      .start();
  } catch (error) {
    throw new UserError(`could not start the ${image} container: ${(error as Error).message}`, { input: 'postgres-image' });
  }

  let working: WorkingDatabase | null = null;
  let disposed: Promise<void> | null = null;
  const dispose = (): Promise<void> => {
    disposed ??= (async () => {
      try {
        if (working) await working.close({ drop: false });
      } finally {
        await container.stop({ remove: true, timeout: 2_000 });
        unregister();
      }
    })();
    return disposed;
  };
  // No disposeSync: nothing synchronous can stop a container; testcontainers' reaper (Ryuk) removes it when our
  // process is gone.
  const unregister = registerDisposable({ name: `postgres-docker container ${container.getId().slice(0, 12)}`, dispose });

  try {
    const host = container.getHost();
    const port = container.getMappedPort(5432);
    const target: ConnectionTarget = (database) => ({ host, port, user: 'postgres', password, database });
    const admin = await connectClient(target('postgres'));
    working = await WorkingDatabase.create(admin, target, WORKING_DATABASE, {
      excludeTables: [spec.versionTable ?? 'alembic_version'],
      fileCopy: true,
    });
    const db = working;
    const { serverVersion, serverVersionNum } = working.version;
    log(`postgres-docker: PostgreSQL ${serverVersion} (${image}) on ${host}:${port}, ready after ` +
      `${Math.round(performance.now() - started)} ms`);
    return {
      provider: 'postgres-docker',
      dialect: 'postgresql',
      url: `postgresql://postgres:${encodeURIComponent(password)}@${host}:${port}/${WORKING_DATABASE}`,
      serverVersion,
      serverVersionNum,
      snapshot: () => db.snapshot(),
      reset: () => db.reset(),
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}
