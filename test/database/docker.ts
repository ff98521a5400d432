// Test helpers for the Docker provider: why Docker tests skip (scripts/docker-setup.sh's reason), the locally built
// PostgreSQL image (scripts/build-postgres-image.sh), and our labelled containers as the docker CLI lists them.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerAvailable } from '../../src/database/postgres-docker.ts';

/** The image scripts/build-postgres-image.sh builds (override: PREFLIGHT_POSTGRES_IMAGE). */
export const LOCAL_IMAGE = process.env.PREFLIGHT_POSTGRES_IMAGE || 'alembic-preflight/postgres:15-local';

function setupReason(): string {
  const file = join(process.env.PREFLIGHT_DOCKER_STATE || join(process.env.TMPDIR || tmpdir(), 'alembic-preflight-docker'), 'unavailable');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : 'scripts/docker-setup.sh did not run or did not say why';
}

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 }).trim();
}

export function imageExists(image: string): boolean {
  try {
    docker('image', 'inspect', image);
    return true;
  } catch {
    return false;
  }
}

/** Null when Docker and the local image are there; else why the Docker tests skip. */
export async function dockerSkipReason(needImage = true): Promise<string | null> {
  if (!(await dockerAvailable())) return `no Docker engine answers: ${setupReason()}`;
  if (needImage && !imageExists(LOCAL_IMAGE)) return `the image ${LOCAL_IMAGE} is not built: run scripts/build-postgres-image.sh`;
  return null;
}

/** IDs of containers (running or not) with this label (`key` or `key=value`). */
export function containersLabelled(label: string): string[] {
  const out = docker('ps', '-a', '--no-trunc', '--filter', `label=${label}`, '--format', '{{.ID}}');
  return out ? out.split('\n') : [];
}

export function containerLabels(id: string): Record<string, string> {
  return JSON.parse(docker('inspect', '--format', '{{json .Config.Labels}}', id)) as Record<string, string>;
}

/** `docker port ID 5432`: the host addresses the port is published on. */
export function publishedAddresses(id: string): string[] {
  return docker('port', id, '5432/tcp').split('\n').filter(Boolean);
}

export function removeContainers(ids: string[]): void {
  if (ids.length) docker('rm', '-f', ...ids);
}
