// Whether testcontainers' reaper (Ryuk) can run here: its image must be present or pullable. When it is not (no
// registry, a self-hosted runner that blocks Docker Hub) or TESTCONTAINERS_RYUK_DISABLED=true, Ryuk is switched off
// and our own cleanup (docker-containers.ts) is all there is; it runs in every case anyway.

import type { ContainerRuntimeClient } from 'testcontainers';
import { loadTestcontainers } from './testcontainers-module.ts';

/** testcontainers 11.9's own default (reaper/reaper.js), overridable as it is by RYUK_CONTAINER_IMAGE. */
const DEFAULT_RYUK_IMAGE = 'testcontainers/ryuk:0.14.0';
const PULL_TIMEOUT_MS = 15_000;

export interface ReaperDecision {
  ryuk: boolean;
  /** Why Ryuk is off, for the log. */
  reason?: string;
}

let decided: Promise<ReaperDecision> | null = null;

/** Turns Ryuk off for this process (testcontainers reads the variable when it first starts a container). */
export function disableRyuk(reason: string): ReaperDecision {
  process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
  decided = Promise.resolve({ ryuk: false, reason });
  return { ryuk: false, reason };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms / 1000} s`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function decide(client: ContainerRuntimeClient): Promise<ReaperDecision> {
  if (process.env.TESTCONTAINERS_RYUK_DISABLED === 'true') {
    return { ryuk: false, reason: 'TESTCONTAINERS_RYUK_DISABLED=true' };
  }
  const { ImageName } = await loadTestcontainers();
  const image = ImageName.fromString(process.env.RYUK_CONTAINER_IMAGE || DEFAULT_RYUK_IMAGE);
  if (await client.image.exists(image)) return { ryuk: true };
  try {
    await withTimeout(client.image.pull(image, { force: false, platform: undefined }), PULL_TIMEOUT_MS, `pulling ${image.string}`);
    return { ryuk: true };
  } catch (error) {
    const why = (error as Error).message.split('\n')[0]!.slice(0, 200);
    return disableRyuk(`the reaper image ${image.string} is not here and cannot be pulled (${why})`);
  }
}

/** Decided once per process, before the first container starts. */
export function decideReaper(client: ContainerRuntimeClient): Promise<ReaperDecision> {
  decided ??= decide(client).then((d) => {
    if (!d.ryuk) process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
    return d;
  });
  return decided;
}
