// The Action's entry point, bundled to dist/index.js: it starts main.run(), which reports every error of the run
// itself through core.setFailed. An error that escapes it (an 'error' event nobody listens to, a rejection nobody
// awaits) still ends as status=error with a job summary, after cleanup (no top-level await: the bundle stays plain).
import { disposeAll } from '../database/cleanup.ts';
import { reportCrash, run } from './main.ts';

let crashing = false;
function crash(kind: string, error: unknown): void {
  if (crashing) return;
  crashing = true;
  process.exitCode = 1;
  setTimeout(() => process.exit(1), 15_000).unref();
  void reportCrash(kind, error)
    .finally(() => disposeAll())
    .finally(() => process.exit(1));
}
process.on('uncaughtException', (error) => crash('uncaught exception', error));
process.on('unhandledRejection', (reason) => crash('unhandled rejection', reason));

void run();
