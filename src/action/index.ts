// The Action's entry point, bundled to dist/index.js: it only starts main.run(), which reports every error itself
// through core.setFailed, so nothing here can throw (and no top-level await ties the bundle to ESM).
import { run } from './main.ts';

void run();
