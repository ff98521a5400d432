#!/usr/bin/env node
// The alembic-preflight CLI: flags → Config → runChecks → terminal and files. Thin on purpose: a developer runs
// on a laptop exactly what the PR check runs. Exit codes: 0 passed, 1 a check failed, 2 bad input, 3 internal error.

import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { resolveConfig, type RawOptions } from './config.ts';
import { describeError, EXIT, exitCodeFor, UserError } from './errors.ts';
import { disposeAll, interruptedBy, reportInterrupted } from './database/cleanup.ts';
import { runChecks } from './pipeline/run-databases.ts';
import { changedMigrations, pullRequestScope, resolveCommit } from './pr/changed-migrations.ts';
import { addSecret, redact, urlPasswords } from './redact.ts';
import { forTerminal, jsonForTerminal, withTerminalSafeStrings } from './terminal-text.ts';
import { readReport } from './report/json.ts';
import { renderReport, type RenderFormat } from './report/render.ts';
import { renderText, resolveColor, type ColorChoice, type TextOptions } from './report/text.ts';
import { renderSarif } from './report/sarif.ts';
import { TOOL_VERSION } from './version.ts';
import type { Report } from './report/model.ts';

function commonOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'Alembic config file, relative to DIR (default: alembic.ini, else pyproject.toml)')
    .option('-n, --name <section>', 'section of the Alembic config file', undefined)
    .option('--python <path>', 'Python interpreter with the project installed (default: DIR/.venv, else python3)')
    .option('--env-vars <names>', 'environment variables env.py reads the database URL from (default: DATABASE_URL)')
    .option('--flask-app <app>', 'Flask-Migrate projects: the app as FLASK_APP takes it, e.g. blog:create_app (default: FLASK_APP, else wsgi.py / app.py)')
    .option('--format <format>', 'report on stdout: text or json', 'text')
    .option('-o, --output <file>', 'also write the JSON report to this file')
    .option('--sarif <file>', 'also write a SARIF 2.1.0 file')
    .option('--fail-on <severity>', 'lowest finding severity that fails the run: error, warning or notice', 'error')
    .option('-v, --verbose', 'show the output of env.py and the migrations')
    .option('--step-timeout <duration>', 'stop a migration step that runs this long without progress (default 10m; 0: no limit)')
    .option('--database-url-env <name>', 'read the database URL from this environment variable (keeps its password out of the process list)')
    .option('--database-url-file <path>', 'read the database URL from this file')
    .addOption(displayOptions[0]!())
    .addOption(displayOptions[1]!());
}

// How the text report looks: --color (else NO_COLOR / FORCE_COLOR / a terminal) and --compact (one line per finding).
const displayOptions = [
  () => new Option('--color <when>', 'colours in the text report: auto (NO_COLOR, FORCE_COLOR, a terminal), always or never').choices(['auto', 'always', 'never']).default('auto'),
  () => new Option('--compact', 'one line per finding, for CI logs'),
];
let display: TextOptions = {};
function readDisplay(o: Record<string, unknown>): TextOptions {
  return { color: resolveColor((o.color as ColorChoice | undefined) ?? 'auto', process.env, process.stdout.isTTY === true), compact: o.compact === true };
}

function toRaw(command: 'check' | 'drift', dir: string | undefined, o: Record<string, string | boolean | undefined>): RawOptions {
  const s = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  return {
    command,
    dir,
    config: s('config'),
    name: s('name'),
    python: s('python'),
    database: s('database'),
    postgresVersion: s('postgresVersion'),
    postgresImage: s('postgresImage'),
    envVars: s('envVars'),
    flaskApp: s('flaskApp'),
    checks: s('checks'),
    minDowngradeRevision: s('minDowngradeRevision'),
    failOn: s('failOn'),
    format: s('format'),
    output: s('output'),
    sarif: s('sarif'),
    stairwayScope: s('stairwayScope'),
    databaseUrl: s('databaseUrl'),
    verbose: o.verbose === true,
    stepTimeout: s('stepTimeout'),
    databaseUrlEnv: s('databaseUrlEnv'),
    databaseUrlFile: s('databaseUrlFile'),
    maxLockSeconds: s('maxLockSeconds'),
    tableSizesFrom: s('tableSizesFrom'),
  };
}

async function run(raw: RawOptions, base?: string): Promise<number> {
  addSecret(raw.databaseUrl);
  if (raw.database?.includes('://')) addSecret(raw.database);
  const isTty = process.stderr.isTTY;
  const log = (line: string) => {
    if (line.startsWith('  | ') && !raw.verbose) return;
    process.stderr.write(`${isTty ? '\x1b[2m' : ''}${forTerminal(redact(line))}${isTty ? '\x1b[0m' : ''}\n`);
  };
  if ([raw.database, raw.databaseUrl].some((u) => u?.includes('://') && urlPasswords(u).length)) {
    log('warning: the database URL on the command line carries a password, which every local user can read in the '
      + 'process list: use --database-url-env NAME (or --database-url-file, or PGPASSWORD) instead');
  }
  if (base) {
    // PR mode on a laptop: the migrations this branch adds or edits against `base`, as the Action finds them.
    const projectDir = resolve(raw.dir ?? '.');
    const baseSha = await resolveCommit(projectDir, base);
    const changes = await changedMigrations({ projectDir, baseRef: base, baseSha, log });
    raw = { ...raw, mode: 'pr', pr: pullRequestScope(changes, base, baseSha) };
  }
  const config = await resolveConfig(raw);
  const report = await runChecks(config, { log });
  // An internal error escaped while the run went on (crash() below is cleaning up): what followed is not a result.
  if (crashed) return EXIT.internalError;
  // Interrupted: the cleanup handler is ending the process; whatever failed after the signal is not a result.
  const signal = interruptedBy();
  if (signal) {
    return reportInterrupted(signal);
  }
  emit(report, config.format, config.output, config.sarif);
  if (report.error) {
    // The text report already shows the error on stdout; with JSON on stdout, say it on stderr too.
    if (config.format === 'json') process.stderr.write(`${forTerminal(redact(describeError(new UserError(report.error.message, report.error))))}\n`);
    return EXIT.userError;
  }
  return report.status === 'passed' ? EXIT.ok : EXIT.checkFailed;
}

function emit(report: Report, format: 'text' | 'json', output?: string, sarif?: string): void {
  const json = `${JSON.stringify(report, null, 2)}\n`;
  process.stdout.write(redact(format === 'json' ? jsonForTerminal(json) : renderText(withTerminalSafeStrings(report), display)));
  if (output) writeFileSync(output, redact(json));
  if (sarif) writeFileSync(sarif, redact(`${JSON.stringify(renderSarif(report), null, 2)}\n`));
}

export async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('alembic-preflight')
    .description('Checks Alembic migrations before they reach production.')
    .version(TOOL_VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .hook('preAction', (_program, command) => {
      display = readDisplay(command.opts());
    });

  commonOptions(
    program
      .command('check')
      .description('revision graph, upgrade, round trip, stairway, drift and lint on a throwaway database (and, asked for, the stairway on seeded rows)')
      .argument('[dir]', 'directory holding alembic.ini', '.'),
  )
    .option('--database <db>', 'auto, sqlite, postgres-local, postgres-docker, or a PostgreSQL server URL to create a throwaway database in')
    .option('--postgres-version <major>', 'PostgreSQL major version for postgres-local / postgres-docker')
    .option('--postgres-image <image>', 'Docker image for postgres-docker')
    .option('--checks <list>', 'comma-separated checks: graph,upgrade,roundtrip,stairway,data,drift,models-registered,lint')
    .option('--min-downgrade-revision <rev>', 'do not downgrade this revision or any before it')
    .addOption(new Option('--stairway-scope <scope>', 'stairway over all revisions or only new ones (PR mode)').choices(['all', 'new']))
    .option('--base <ref>', 'PR mode: check this branch against the base branch or commit, as the Action does on a pull request')
    .option('--max-lock-seconds <seconds>', 'a statement whose estimated lock time at production size exceeds this is an error')
    .option('--table-sizes-from <report.json>', 'production table sizes from the JSON report of a `drift` run')
    .action(async (dir: string, opts: Record<string, string>) => {
      exitCode = await run(toRaw('check', dir, opts), opts.base);
    });

  commonOptions(
    program
      .command('drift')
      .description('compare a live database (read-only) with what its migrations say it should be')
      .argument('[dir]', 'directory holding alembic.ini', '.'),
  )
    .option('--database-url <url>', 'the live database (read-only; never written to); or --database-url-env NAME')
    .option('--database <db>', 'where to build the expected schema: auto, postgres-local, postgres-docker, or a server URL')
    .option('--postgres-version <major>', 'PostgreSQL major version for the expected schema')
    .action(async (dir: string, opts: Record<string, string>) => {
      exitCode = await run(toRaw('drift', dir, opts));
    });

  program
    .command('render')
    .description('render a saved JSON report')
    .argument('<report>', 'report.json written by --output or --format json')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown', 'sarif']).default('text'))
    .addOption(displayOptions[0]!())
    .addOption(displayOptions[1]!())
    .action((file: string, opts: { format: RenderFormat }) => {
      process.stdout.write(renderReport(withTerminalSafeStrings(readReport(file)), opts.format, display));
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.userError;
    }
    process.stderr.write(`${forTerminal(redact(describeError(error)))}\n`);
    return exitCodeFor(error);
  }
  return exitCode;
}

// A failure outside the awaited chain (an 'error' event nobody listens to, a rejection nobody awaits) is a bug in
// alembic-preflight: say so with the stack, clean up what the run started, and exit 3, never Node's default 1 (which
// would read as "a check failed").
let crashed = false;
function crash(kind: string, error: unknown): void {
  if (crashed) return;
  crashed = true;
  const what = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`${forTerminal(redact(`internal error (${kind}): ${what}`))}\n`);
  process.exitCode = EXIT.internalError;
  setTimeout(() => process.exit(EXIT.internalError), 15_000).unref();
  void disposeAll().finally(() => process.exit(EXIT.internalError));
}
process.on('uncaughtException', (error) => crash('uncaught exception', error));
process.on('unhandledRejection', (reason) => crash('unhandled rejection', reason));

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${forTerminal(redact(describeError(error)))}\n`);
    process.exitCode = exitCodeFor(error);
  },
);
