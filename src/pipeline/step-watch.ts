// Watches the driver's steps: which revision and phase it is in (from the driver's step notifications, Alembic's
// "Running upgrade a -> b" log lines, or its progress lines), a heartbeat on stderr during a long step, and the
// step timeout: on expiry the driver's process group is killed and the pending call fails with StepTimedOut.

import type { CallInFlight, Driver, DriverNotification } from '../driver/client.ts';
import { UserError } from '../errors.ts';

export const HEARTBEAT_MS = 5_000;
/** The driver's phase from the start of each env.py run until its first revision step begins. */
export const ENV_PHASE = 'env.py';
const TICK_MS = 1_000;

export interface StepPosition {
  revision?: string;
  /** upgrade, downgrade, re-upgrade, or the driver's own phase name. */
  phase?: string;
  /** How the position is known: exact (the driver or Alembic said so at the step's start) or the last one reported. */
  exact: boolean;
  statement?: string;
}

/** A step ran longer than --step-timeout without progress; the driver was stopped. */
export class StepTimedOut extends UserError {
  constructor(
    readonly call: CallInFlight,
    readonly position: StepPosition,
    readonly timeoutMs: number,
    readonly elapsedMs: number,
  ) {
    super(`${describeStep(call, position)} did not finish within the step timeout (${formatDuration(timeoutMs)}); it was stopped`,
      { revision: position.revision, input: 'step-timeout' });
    this.name = 'StepTimedOut';
  }
}

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}

/** "revision abc (upgrade)" / "revision abc or the one after it (upgrade)" / "env.py, before any revision ran" /
 * "the driver's walk". */
export function describeStep(call: CallInFlight, position: StepPosition): string {
  if (!position.revision && position.phase === ENV_PHASE) {
    return `env.py (before any revision ran: its imports, engine, connection and configure) in the driver's ${call.method}`;
  }
  if (!position.revision) return `the driver's ${call.method}`;
  const which = position.exact ? `revision ${position.revision}` : `revision ${position.revision} (or one right after it)`;
  return `${which}${position.phase ? `, ${position.phase},` : ''} in the driver's ${call.method}`;
}

// Alembic's own INFO lines at the start of every step.
const RUNNING = /Running (upgrade|downgrade) (.*?) -> ([^\s,]+)/;
// The driver's walk progress: "[3/40] abc123".
const PROGRESS = /^\[\d+\/\d+\] (\S+)/;

export class StepWatch {
  private position: StepPosition = { exact: false };
  private stepStartedAt = 0;
  private lastBeatAt = 0;
  private call: CallInFlight | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastDown: string | null = null;
  /** When the driver or Alembic last said exactly where it is. */
  private exactAt = 0;

  constructor(
    private readonly timeoutMs: number,
    private readonly log: (line: string) => void,
    /** On PostgreSQL: the statement the migration's connection is running (or ran last), for the timeout finding. */
    private readonly activeStatement?: () => Promise<string | undefined>,
  ) {}

  private driver: Driver | null = null;

  start(driver: Driver): void {
    this.driver = driver;
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Where the driver is now. */
  where(): StepPosition {
    return { ...this.position };
  }

  private newStep(position: StepPosition): void {
    this.position = position;
    this.stepStartedAt = Date.now();
    if (position.exact) this.exactAt = this.stepStartedAt;
    this.lastBeatAt = this.stepStartedAt;
  }

  /** Feed every line the driver writes to stderr. */
  onLog(line: string): void {
    const m = RUNNING.exec(line);
    if (!m) return;
    const [, direction, from, to] = m;
    if (direction === 'downgrade') {
      const revision = from!.split(',')[0]!.trim();
      this.lastDown = revision;
      this.newStep({ revision, phase: 'downgrade', exact: true });
    } else {
      const revision = to!;
      const phase = this.lastDown === revision ? 're-upgrade' : 'upgrade';
      this.lastDown = null;
      this.newStep({ revision, phase, exact: true });
    }
  }

  onProgress(line: string): void {
    const m = PROGRESS.exec(line);
    if (m && m[1] !== this.position.revision) this.newStep({ revision: m[1], exact: false });
    else this.newStep(this.position);
  }

  onNotification(n: DriverNotification): void {
    if (n.step) this.newStep({ revision: n.step.revision, phase: n.step.phase, exact: true });
    if (n.statement !== undefined) this.position.statement = n.statement;
  }

  private async tick(): Promise<void> {
    const driver = this.driver;
    if (!driver) return;
    const call = driver.inFlight();
    if (!call) {
      this.call = null;
      return;
    }
    if (this.call?.startedAt !== call.startedAt || this.call.method !== call.method) {
      // A new call: until the driver or Alembic says otherwise, it starts at the first revision it was given.
      this.call = call;
      // The tick may come after the driver already said where this call is: keep what it said.
      if (this.exactAt < call.startedAt) this.newStep({ revision: firstRevision(call), exact: false });
    }
    const now = Date.now();
    const elapsed = now - this.stepStartedAt;
    if (this.timeoutMs > 0 && elapsed >= this.timeoutMs) {
      this.stop();
      const position = this.where();
      if (!position.statement && this.activeStatement) {
        position.statement = await this.activeStatement().catch(() => undefined);
      }
      this.log(`step timeout: ${describeStep(call, position)} has run for ${formatDuration(elapsed)}; stopping the driver`);
      await driver.abort(new StepTimedOut(call, position, this.timeoutMs, elapsed));
      return;
    }
    if (now - this.lastBeatAt >= HEARTBEAT_MS) {
      this.lastBeatAt = now;
      const limit = this.timeoutMs > 0 ? ` (step timeout ${formatDuration(this.timeoutMs)})` : '';
      this.log(`still running: ${describeStep(call, this.position)} for ${Math.round(elapsed / 1000)} s${limit}`);
    }
  }
}

function firstRevision(call: CallInFlight): string | undefined {
  const p = call.params as { revisions?: { revision?: string }[]; target?: string } | undefined;
  return p?.revisions?.[0]?.revision ?? (p?.target && p.target !== 'base' && p.target !== 'head' ? p.target : undefined);
}
