// Runs the real CLI (src/cli.ts through tsx, or dist/cli.js) as a child process, the way a user does.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Report } from '../../src/report/model.ts';
import { repoRoot } from './env.ts';

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  report?: Report;
}

export function runCli(
  args: string[],
  opts: {
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    /** Run the built dist/cli.js, as users do, instead of src/ through tsx. */
    dist?: boolean;
    /** Node options before the entry (e.g. --import a preload). */
    nodeArgs?: string[];
    /** The Node binary (default: the one running the tests). */
    node?: string;
    onStderr?: (chunk: string, child: ReturnType<typeof spawn>) => void;
  } = {},
): Promise<CliRun> {
  const entry = opts.dist ? [join(repoRoot, 'dist', 'cli.js')] : ['--import', 'tsx', join(repoRoot, 'src', 'cli.ts')];
  return new Promise((resolve, reject) => {
    const child = spawn(opts.node ?? process.execPath, [...(opts.nodeArgs ?? []), ...entry, ...args], {
      cwd: opts.cwd ?? repoRoot,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      opts.onStderr?.(d.toString(), child);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      let report: Report | undefined;
      if (args.includes('json')) {
        try {
          report = JSON.parse(stdout) as Report;
        } catch (error) {
          reject(new Error(`stdout is not JSON (${(error as Error).message}):\n${stdout}\nstderr:\n${stderr}`));
          return;
        }
      }
      resolve({ code, signal, stdout, stderr, report });
    });
  });
}

export function check(report: Report, id: string) {
  const c = report.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id} in report: ${report.checks.map((x) => x.id).join(', ')}`);
  return c;
}
