// Finds driver.py: a sibling of the running module, both from src/driver/ under tsx and from a bundled dist/*.js.
// Returns an absolute path that exists, or throws an InternalError saying where it looked.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InternalError } from '../errors.ts';

/** Candidates relative to a module URL: `./driver.py` (src/driver/client.ts, dist/cli.js with dist/driver.py)
 * and `./driver/driver.py` (a bundle whose build put the driver in a subfolder). */
export function driverCandidates(moduleUrl: string | URL = import.meta.url): string[] {
  return ['./driver.py', './driver/driver.py'].map((p) => fileURLToPath(new URL(p, moduleUrl)));
}

export function locateDriver(moduleUrl: string | URL = import.meta.url): string {
  const candidates = driverCandidates(moduleUrl);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new InternalError(`driver.py not found; looked at ${candidates.join(', ')}`);
  return found;
}
