// Builds dist/: the Action (dist/index.js) and the CLI (dist/cli.js) bundled by esbuild with every dependency,
// plus the Python driver next to them. Deterministic: CI rebuilds and fails when dist/ differs from the commit.
import { build } from 'esbuild';
import { chmodSync, cpSync, mkdirSync, rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist');

await build({
  entryPoints: { index: 'src/action/index.ts', cli: 'src/cli.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Chunks sit beside the entry points: code in them finds preflight_driver/ next to itself, as src/driver/client.ts does.
  chunkNames: '[name]-[hash]',
  // Bundled CommonJS dependencies call require() for Node built-ins and read __dirname/__filename (ssh2, loaded by
  // testcontainers): give every ESM output file the CommonJS module globals, pointing at the file itself.
  banner: {
    js: [
      "import { createRequire as __preflightCreateRequire } from 'node:module';",
      "import { fileURLToPath as __preflightFileURLToPath } from 'node:url';",
      "import { dirname as __preflightDirname } from 'node:path';",
      'const require = __preflightCreateRequire(import.meta.url);',
      'const __filename = __preflightFileURLToPath(import.meta.url);',
      'const __dirname = __preflightDirname(__filename);',
    ].join(' '),
  },
  // Native add-ons that ssh2 (via testcontainers) loads inside try/catch: absent is fine, it falls back to JS.
  external: ['cpu-features', '*.node'],
  legalComments: 'linked',
  logLevel: 'warning',
  metafile: false,
});

cpSync('src/driver/preflight_driver', 'dist/preflight_driver', { recursive: true, filter: (src) => !src.includes('__pycache__') });
chmodSync('dist/cli.js', 0o755);
