// The registry of things to tear down (databases, servers, temp dirs, child processes) on every exit path.
// disposeAll() runs them; SIGINT/SIGTERM run them and exit 130/143; at 'exit' the synchronous fallbacks still run.

export interface Disposable {
  /** What this is, for logs (never a password). */
  name?: string;
  /** Orderly teardown. Must be idempotent. */
  dispose(): Promise<void>;
  /** Last resort at process exit, where nothing async can run: kill child PIDs, remove temp dirs. */
  disposeSync?(): void;
}

const registry = new Set<Disposable>();

function nameOf(d: Disposable): string {
  return d.name ?? (d as { provider?: string }).provider ?? 'a resource';
}
let handlersInstalled = false;
let disposing: Promise<void> | null = null;
let log: (line: string) => void = (line) => process.stderr.write(`${line}\n`);

/** Where cleanup reports problems (default stderr). */
export function setCleanupLog(writer: (line: string) => void): void {
  log = writer;
}

/** Registers d; returns a function that unregisters it (call it once d is disposed). */
export function registerDisposable(d: Disposable): () => void {
  installHandlers();
  registry.add(d);
  return () => {
    registry.delete(d);
  };
}

export function pendingDisposables(): string[] {
  return [...registry].map(nameOf);
}

/** Disposes everything registered, newest first; failures are logged, never thrown, so every item gets its turn. */
export function disposeAll(): Promise<void> {
  disposing ??= (async () => {
    try {
      for (const d of [...registry].reverse()) {
        try {
          await d.dispose();
        } catch (error) {
          log(`cleanup: disposing ${nameOf(d)} failed: ${error instanceof Error ? error.message : String(error)}`);
          runSync(d);
        }
        registry.delete(d);
      }
    } finally {
      disposing = null;
    }
  })();
  return disposing;
}

function runSync(d: Disposable): void {
  try {
    d.disposeSync?.();
  } catch (error) {
    log(`cleanup: last-resort cleanup of ${nameOf(d)} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function disposeAllSync(): void {
  for (const d of [...registry].reverse()) {
    runSync(d);
    registry.delete(d);
  }
}

const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

let signalled: NodeJS.Signals | null = null;

/** The signal that is ending this run, if any: what the run still produces then (a failure caused by its own
 * database going away) must not be reported as a result. */
export function interruptedBy(): NodeJS.Signals | null {
  return signalled;
}

let interruptReported = false;

/** Says "interrupted by SIGINT: no report" once (whoever gets there first: the CLI or the signal handler) and
 * returns the exit code for the signal: 130 for SIGINT, 143 for SIGTERM. */
export function reportInterrupted(signal: NodeJS.Signals): number {
  if (!interruptReported) {
    interruptReported = true;
    process.stderr.write(`interrupted by ${signal}: no report\n`);
  }
  return SIGNAL_EXIT[signal as 'SIGINT' | 'SIGTERM'] ?? 130;
}

/** How long cleanup may take after a signal before what is left is killed outright. */
const HARD_DEADLINE_MS = 15_000;

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  let signals = 0;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      signals++;
      if (signals > 1) {
        // A second (third...) Ctrl-C while cleaning up: cleanup still finishes (a server-URL database dropped, the
        // driver's processes gone), since stopping halfway is what leaves things behind. Said once.
        if (signals === 2) log(`cleanup: still cleaning up after ${signalled}; the run ends as soon as that is done`);
        return;
      }
      signalled = signal;
      const hard = setTimeout(() => {
        log('cleanup: took too long, killing what is left');
        disposeAllSync();
        process.exit(reportInterrupted(signal));
      }, HARD_DEADLINE_MS);
      hard.unref();
      void disposeAll().finally(() => process.exit(reportInterrupted(signal)));
    });
  }
  process.on('exit', disposeAllSync);
}
