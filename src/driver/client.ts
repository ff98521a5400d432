// The TypeScript end of the driver protocol: one Python child per run, JSON lines, calls matched to answers by id.
// Every call settles: with its result, a DriverError carrying the driver's payload, or an error when the child dies.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { watchAfterDeath } from '../database/parent-death-watch.ts';
import { InternalError, UserError } from '../errors.ts';
import { locateDriver } from './locate.ts';
import type { DriverErrorPayload, DriverHello, DriverMethod, DriverMethods } from './protocol.ts';

export interface DriverStartOptions {
  /** The project's Python interpreter (a path, or a name found on PATH). */
  python: string;
  /** Working directory of the child (the driver chdirs to the project itself on `inspect`). */
  cwd: string;
  /** Added to this process's environment for the child. */
  env?: NodeJS.ProcessEnv;
  /** Everything the child writes to stderr (env.py prints, logging, tracebacks), one line at a time. */
  onLog?: (line: string) => void;
  /** Progress the driver reports during a long call (`{"id": null, "progress": "..."}` lines). */
  onProgress?: (line: string) => void;
  /** Structured notifications during a call (`{"id": null, "step": {...}}`, `{"id": null, "statement": "..."}`). */
  onNotification?: (notification: DriverNotification) => void;
  /** The driver's entry file; defaults to preflight_driver/__main__.py next to this module (see locate.ts). */
  driverPath?: string;
  /** How long the child may take to import Alembic and say hello (default 120 s: cold CI disks are slow). */
  startTimeoutMs?: number;
}

export interface CallOptions {
  /** Reject (and stop the driver, whose state is then unknown) after this many ms. No limit by default. */
  timeoutMs?: number;
}

/** An error answer from the driver: a migration that raised, a refused connection, a broken env.py... */
export class DriverError extends Error {
  readonly kind: DriverErrorPayload['kind'];
  readonly file?: string;
  readonly line?: number;
  readonly revision?: string;
  readonly db?: DriverErrorPayload['db'];
  readonly steps?: DriverErrorPayload['steps'];
  readonly traceback?: string;

  constructor(
    readonly method: string,
    readonly payload: DriverErrorPayload,
  ) {
    super(payload.message);
    this.name = 'DriverError';
    this.kind = payload.kind;
    this.file = payload.file;
    this.line = payload.line;
    this.revision = payload.revision;
    this.db = payload.db;
    this.steps = payload.steps;
    this.traceback = payload.traceback;
  }
}

/** What the driver says about the step it is in (revision, phase) and the statement it is about to run. */
export interface DriverNotification {
  step?: { revision?: string; phase?: string };
  statement?: string;
}

/** The call the driver is working on, for heartbeats and for saying where it was when it died. */
export interface CallInFlight {
  method: string;
  params: unknown;
  startedAt: number;
}

/** The driver process ended while a call was pending (os._exit, a signal such as SIGSEGV): the project's code
 * killed it, so it is the project's problem (exit 2), said with the call it was working on. */
export class DriverDied extends UserError {
  constructor(
    readonly how: string,
    readonly call: CallInFlight | null,
    readonly stderrTail: string,
  ) {
    super(`the Python driver ${how}${call ? ` during ${call.method}` : ''}`, {}, stderrTail || undefined);
    this.name = 'DriverDied';
  }
}

interface Pending {
  method: string;
  params?: unknown;
  startedAt?: number;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
}

interface Answer {
  id: number | null;
  result?: unknown;
  error?: DriverErrorPayload;
  /** A progress notification (id null) during a long call. */
  progress?: string;
  step?: DriverNotification['step'];
  statement?: string;
}

const STDERR_TAIL = 40;
const CLOSE_GRACE_MS = 2000;

export class Driver {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited = false;
  private closing: Promise<void> | null = null;
  private readonly exitPromise: Promise<void>;
  private readonly stderrTail: string[] = [];
  private helloWaiter: { resolve: (h: DriverHello) => void; reject: (e: Error) => void } | null = null;
  hello: DriverHello | null = null;

  private onProgress?: (line: string) => void;
  private onNotification?: (notification: DriverNotification) => void;
  private unwatch: () => void = () => {};

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly python: string,
    onLog: (line: string) => void,
  ) {
    this.exitPromise = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exited = true;
        this.failAll(this.exitError(code, signal));
        resolve();
      });
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      // Spawn failures (ENOENT, EACCES) arrive here without an exit event.
      const e = error.code === 'ENOENT' || error.code === 'EACCES'
        ? new UserError(`cannot run the Python interpreter "${python}" (${error.code}): install Python 3.9+ with alembic, or point --python at the project's interpreter`)
        : new InternalError(`the Python driver failed: ${error.message}`, { cause: error });
      this.exited = true;
      this.failAll(e);
    });
    child.stdin.on('error', () => {
      // EPIPE when the child is gone: the exit handler rejects what is pending.
    });
    createInterface({ input: child.stderr }).on('line', (line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > STDERR_TAIL) this.stderrTail.shift();
      onLog(line.replace(/\r$/, ''));
    });
    createInterface({ input: child.stdout }).on('line', (line) => this.onLine(line));
  }

  /** Spawns the driver and resolves once it has imported Alembic and said hello. */
  static async start(options: DriverStartOptions): Promise<Driver> {
    const driverPath = options.driverPath ?? locateDriver();
    const child = spawn(options.python, [driverPath], {
      cwd: options.cwd,
      env: {
        ...process.env,
        ...options.env,
        PYTHONUNBUFFERED: '1',
        PYTHONIOENCODING: 'utf-8',
        // Loading migrations must not leave __pycache__ in the user's project, nor in src/ or dist/ (the driver
        // package itself: dist/ must stay what the build made).
        PYTHONDONTWRITEBYTECODE: '1',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, so that it and whatever a migration starts can be killed together (kill(-pid)),
      // and a Ctrl-C at the terminal reaches only us: we decide when the driver stops.
      detached: true,
    });
    const driver = new Driver(child, options.python, options.onLog ?? (() => {}));
    driver.onProgress = options.onProgress;
    driver.onNotification = options.onNotification;
    // If we are killed outright, the parent-death watch kills the group.
    if (child.pid !== undefined) driver.unwatch = watchAfterDeath('group', child.pid);
    const timeoutMs = options.startTimeoutMs ?? 120_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      driver.hello = await new Promise<DriverHello>((resolve, reject) => {
        driver.helloWaiter = { resolve, reject };
        timer = setTimeout(() => reject(new UserError(
          `the Python driver did not start within ${timeoutMs} ms (${options.python})`, {}, driver.tail())), timeoutMs);
      });
    } catch (error) {
      await driver.kill();
      throw error;
    } finally {
      clearTimeout(timer);
      driver.helloWaiter = null;
    }
    return driver;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  call<M extends DriverMethod>(
    method: M,
    params: DriverMethods[M]['params'],
    options: CallOptions = {},
  ): Promise<DriverMethods[M]['result']> {
    if (this.exited || this.closing) {
      return Promise.reject(new InternalError(`the Python driver is ${this.exited ? 'gone' : 'closing'}; cannot call ${method}`));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const entry: Pending = { method, params, startedAt: Date.now(), resolve: resolve as (v: unknown) => void, reject };
      if (options.timeoutMs !== undefined) {
        entry.timer = setTimeout(() => {
          this.pending.delete(id);
          reject(new UserError(`the driver's ${method} took longer than ${options.timeoutMs} ms; it was stopped`));
          void this.kill();
        }, options.timeoutMs);
      }
      this.pending.set(id, entry);
      this.child.stdin.write(`${JSON.stringify({ id, method, params })}\n`);
    });
  }

  /** Asks the driver to stop, then kills it if it does not; every pending call is rejected. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.exited) return;
      this.child.stdin.write(`${JSON.stringify({ id: this.nextId++, method: 'shutdown', params: {} })}\n`);
      this.child.stdin.end();
      const exited = await Promise.race([
        this.exitPromise.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), CLOSE_GRACE_MS).unref()),
      ]);
      if (!exited) await this.kill();
    })().finally(() => this.killGroup());
    return this.closing;
  }

  /** The call being worked on (the oldest pending one), or null when the driver is idle. */
  inFlight(): CallInFlight | null {
    for (const entry of this.pending.values()) {
      return { method: entry.method, params: entry.params, startedAt: entry.startedAt ?? Date.now() };
    }
    return null;
  }

  /** Rejects every pending call with `error` and kills the driver's whole process group (a step that timed out). */
  async abort(error: Error): Promise<void> {
    this.failAll(error);
    await this.kill();
  }

  private async kill(): Promise<void> {
    if (this.exited) {
      this.killGroup();
      return;
    }
    this.killGroup();
    this.child.kill('SIGKILL');
    await Promise.race([this.exitPromise, new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref())]);
    this.killGroup();
  }

  /** SIGKILL to the driver's process group: processes a migration started (which may hold our pipes open) go too;
   * and our ends of the pipes are closed, so nothing they hold can keep this process alive. */
  private killGroup(): void {
    const pid = this.child.pid;
    if (pid !== undefined) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch (error) {
        // ESRCH: the group is already empty.
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
    if (this.exited) {
      this.unwatch();
      this.child.stdout.destroy();
      this.child.stderr.destroy();
      this.child.stdin.destroy();
    }
  }

  private onLine(line: string): void {
    let answer: Answer;
    try {
      answer = JSON.parse(line) as Answer;
    } catch {
      if (this.helloWaiter) {
        // Before the greeting: what we ran is not a Python that runs the driver (`--python /bin/echo`).
        this.helloWaiter.reject(new UserError(
          `"${this.python}" is not a Python interpreter: it printed "${line.slice(0, 80)}" instead of running the driver`,
          { input: 'python' },
          'Point --python (or the python input) at the interpreter of the project\'s virtualenv, e.g. .venv/bin/python.',
        ));
        void this.kill();
        return;
      }
      // stdout belongs to the protocol; anything else there is a driver bug, and later answers cannot be trusted.
      this.failAll(new InternalError(`the Python driver wrote a line that is not JSON: ${line.slice(0, 200)}`));
      void this.kill();
      return;
    }
    if (answer.id === 0 && this.helloWaiter) {
      if (answer.error) {
        this.helloWaiter.reject(new UserError(answer.error.message, {}, `${this.python}: ${answer.error.traceback ?? ''}`));
      } else {
        this.helloWaiter.resolve(answer.result as DriverHello);
      }
      return;
    }
    if (answer.id === null && typeof answer.progress === 'string') {
      this.onProgress?.(answer.progress);
      return;
    }
    if (answer.id === null && (answer.step || typeof answer.statement === 'string')) {
      this.onNotification?.({ step: answer.step, statement: answer.statement });
      return;
    }
    const entry = answer.id === null ? undefined : this.pending.get(answer.id);
    if (!entry) {
      if (answer.error) {
        this.failAll(new InternalError(`the Python driver reported: ${answer.error.message}`));
      }
      return; // the answer to a call that timed out, or to shutdown
    }
    this.pending.delete(answer.id as number);
    clearTimeout(entry.timer);
    if (answer.error) entry.reject(new DriverError(entry.method, answer.error));
    else entry.resolve(answer.result);
  }

  private failAll(error: Error): void {
    if (this.helloWaiter) this.helloWaiter.reject(error);
    for (const [id, entry] of this.pending) {
      this.pending.delete(id);
      clearTimeout(entry.timer);
      entry.reject(error);
    }
  }

  private exitError(code: number | null, signal: NodeJS.Signals | null): Error {
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    if (this.helloWaiter) {
      return new UserError(
        code === 0
          ? `"${this.python}" is not a Python interpreter: it ended without running the driver`
          : `the Python driver could not start: ${this.python} ${how} (it needs Python 3.9+ with alembic and sqlalchemy installed)`,
        { input: 'python' },
        this.tail(),
      );
    }
    if (this.closing) return new InternalError(`the Python driver was closed (${how})`);
    const call = this.inFlight();
    // Dying in the middle of a call is what os._exit() or a crashing extension does inside a migration.
    if (call) return new DriverDied(how, call, this.tail());
    return new InternalError(`the Python driver ${how} unexpectedly${this.tail() ? `; its last output:\n${this.tail()}` : ''}`);
  }

  private tail(): string {
    return this.stderrTail.join('\n');
  }
}
