// The postgres-docker provider: a PostgreSQL container started with testcontainers (image default
// postgres:17-alpine), its port published on 127.0.0.1 only, removed on every exit path by us (labelled; dead runs'
// containers reaped at the next start), and by testcontainers' reaper (Ryuk) too where its image can be had.

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, isIP } from 'node:net';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { UserError } from '../errors.ts';
import { registerDisposable } from './cleanup.ts';
import { engineAddress, ownLabels, reapStaleContainers, removeContainerSync } from './docker-containers.ts';
import { decideReaper } from './docker-reaper.ts';
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

/**
 * Publish on loopback only when the engine shares our network: a remote engine's loopback is not ours. Inside a
 * container (/.dockerenv) testcontainers names a local engine by its bridge gateway (172.17.0.1). When that address
 * is our own (we can bind it, whether or not docker0 is up), dockerd runs in our network namespace (a CI machine or
 * job container that started its own engine) and 127.0.0.1 reaches what it publishes there. When it is not (a
 * sibling container talking to the host's socket), the gateway is the way in, and the port is published where the
 * gateway reaches it.
 */
function engineIsLoopbackName(host: string): boolean {
  return host === 'localhost' || host === '127.0.0.1' || host === '::1';
}

export async function engineIsLocal(host: string): Promise<boolean> {
  if (engineIsLoopbackName(host)) return true;
  if (isIP(host) === 0) return false;
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(0, host, () => probe.close(() => resolve(true)));
  });
}

/** The first connection, retried while a just-published port still refuses (docker-proxy racing the log line). */
async function connectWhenReady(config: ConnectionTarget, database: string, timeoutMs = 15_000): Promise<pg.Client> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return await connectClient(config(database));
    } catch (error) {
      const code = (error as { code?: string }).code;
      const transient = code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === '57P03';
      if (!transient || performance.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function provisionPostgresDocker(spec: ProvisionSpec): Promise<ThrowawayDatabase> {
  const log = spec.log ?? (() => {});
  const image = dockerImage(spec);
  const started = performance.now();
  // Loaded only here: importing testcontainers costs about half a second.
  const tc = await loadTestcontainers();
  let client: Awaited<ReturnType<typeof tc.getContainerRuntimeClient>>;
  try {
    client = await tc.getContainerRuntimeClient();
  } catch (error) {
    throw new UserError(`no Docker engine answers: ${errorMessage(error)}`, { input: 'database' });
  }
  // Containers of runs that died (SIGKILL, a crashed runner) go while ours starts.
  const reaping = reapStaleContainers(client, log).catch((error: unknown) => {
    log(`postgres-docker: could not look for containers of earlier runs: ${errorMessage(error)}`);
  });
  const reaper = await decideReaper(client);
  if (!reaper.ryuk) log(`postgres-docker: no Ryuk (${reaper.reason}); alembic-preflight removes its containers itself`);

  const address = engineAddress(client);
  const host = client.info.containerRuntime.host;
  const loopback = await engineIsLocal(host);
  const password = randomBytes(18).toString('base64url');
  const command = ['postgres'];
  for (const setting of THROWAWAY_SETTINGS) command.push('-c', setting);

  let containerId: string | null = null;
  let container: Awaited<ReturnType<InstanceType<typeof tc.GenericContainer>['start']>> | null = null;
  let working: WorkingDatabase | null = null;
  let unregister: (() => void) | null = null;
  let disposed: Promise<void> | null = null;
  const dispose = (): Promise<void> => {
    disposed ??= (async () => {
      try {
        if (working) await working.close({ drop: false });
      } finally {
        try {
          if (container) await container.stop({ remove: true, removeVolumes: true, timeout: 2_000 });
          else if (containerId) await client.container.dockerode.getContainer(containerId).remove({ force: true, v: true });
        } catch (error) {
          // Already gone (removed by a reaper, or by a concurrent dispose) is what we wanted.
          if ((error as { statusCode?: number }).statusCode !== 404) throw error;
        }
        unregister?.();
      }
    })();
    return disposed;
  };
  const disposeSync = (): void => {
    if (containerId) removeContainerSync(containerId, address);
  };

  // Registered the moment the container exists, so a signal while PostgreSQL starts removes it too.
  class PreflightContainer extends tc.GenericContainer {
    bindToLoopback(): this {
      this.hostConfig.PortBindings = { ...this.hostConfig.PortBindings, '5432/tcp': [{ HostIp: '127.0.0.1', HostPort: '0' }] };
      return this;
    }

    protected override async containerCreated(id: string): Promise<void> {
      containerId = id;
      unregister = registerDisposable({ name: `postgres-docker container ${id.slice(0, 12)}`, dispose, disposeSync });
    }
  }

  log(`postgres-docker: starting ${image}`);
  try {
    const definition = new PreflightContainer(image)
      // --no-sync: initdb's fsync is most of the container's start-up, and a throwaway cluster needs none.
      .withEnvironment({ POSTGRES_PASSWORD: password, POSTGRES_USER: 'postgres', POSTGRES_DB: 'postgres', POSTGRES_INITDB_ARGS: '--no-sync' })
      .withCommand(command)
      .withLabels(ownLabels())
      .withExposedPorts(5432)
      // The entrypoint starts a temporary server to run init scripts, then the real one: wait for the second.
      // testcontainers checks the published port at its own idea of the host: when that is the bridge gateway but
      // we publish on loopback, it would wait forever, so the first connection (retried) is the port check.
      .withWaitStrategy(loopback && !engineIsLoopbackName(host)
        ? tc.Wait.forLogMessage(/database system is ready to accept connections/, 2)
        : tc.Wait.forAll([
          tc.Wait.forLogMessage(/database system is ready to accept connections/, 2),
          tc.Wait.forListeningPorts(),
        ]))
      .withStartupTimeout(120_000);
    container = await (loopback ? definition.bindToLoopback() : definition).start();
  } catch (error) {
    await dispose().catch((e: unknown) => log(`postgres-docker: removing the failed container: ${errorMessage(e)}`));
    await reaping;
    throw new UserError(`could not start the ${image} container: ${errorMessage(error)}`, { input: 'postgres-image' });
  }

  try {
    await reaping;
    // 127.0.0.1 rather than localhost, which may resolve to ::1 first, where nothing is published.
    const dbHost = loopback ? '127.0.0.1' : container.getHost();
    const port = container.getMappedPort(5432);
    const target: ConnectionTarget = (database) => ({ host: dbHost, port, user: 'postgres', password, database });
    const admin = await connectWhenReady(target, 'postgres');
    working = await WorkingDatabase.create(admin, target, WORKING_DATABASE, {
      excludeTables: [spec.versionTable ?? 'alembic_version'],
      fileCopy: true,
    });
    const db = working;
    const { serverVersion, serverVersionNum } = working.version;
    log(`postgres-docker: PostgreSQL ${serverVersion} (${image}) on ${dbHost}:${port}, ready after ` +
      `${Math.round(performance.now() - started)} ms`);
    return {
      provider: 'postgres-docker',
      dialect: 'postgresql',
      url: `postgresql://postgres:${encodeURIComponent(password)}@${dbHost}:${port}/${WORKING_DATABASE}`,
      serverVersion,
      serverVersionNum,
      snapshot: () => db.snapshot(),
      reset: () => db.reset(),
      checkpoint: () => db.checkpoint(),
      restore: () => db.restore(),
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}
