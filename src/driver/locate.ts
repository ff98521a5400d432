// Finds the Python driver package (preflight_driver/, run through its __main__.py): a sibling of the running module,
// both from src/driver/ under tsx and from a bundled dist/*.js. Returns an absolute path that exists, or throws.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InternalError } from '../errors.ts';

/** The file the child runs: the package's `__main__.py` (it puts the package's parent on sys.path itself). */
export const DRIVER_ENTRY = 'preflight_driver/__main__.py';

/** Candidates relative to a module URL: `./preflight_driver/__main__.py` (src/driver/client.ts, dist/cli.js with
 * dist/preflight_driver/) and `./driver/preflight_driver/__main__.py` (a bundle whose build put it in a subfolder). */
export function driverCandidates(moduleUrl: string | URL = import.meta.url): string[] {
  return [`./${DRIVER_ENTRY}`, `./driver/${DRIVER_ENTRY}`].map((p) => fileURLToPath(new URL(p, moduleUrl)));
}

export function locateDriver(moduleUrl: string | URL = import.meta.url): string {
  const candidates = driverCandidates(moduleUrl);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new InternalError(`the Python driver (${DRIVER_ENTRY}) was not found; looked at ${candidates.join(', ')}`);
  return found;
}
