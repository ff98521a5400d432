// Errors as values with a kind, mapped to the CLI's exit codes.
// A user error (bad input, broken project) exits 2 and names what is at fault; a bug exits 3 with its stack.

export type ErrorKind = 'user' | 'internal';

export const EXIT = {
  ok: 0,
  checkFailed: 1,
  userError: 2,
  internalError: 3,
  /** Interrupted by SIGINT/SIGTERM after cleaning up (128 + signal number is added by the caller). */
  interrupted: 130,
} as const;

export interface ErrorLocation {
  file?: string;
  line?: number;
  revision?: string;
  input?: string;
}

/** An error the user can fix: bad config, a broken migration, no database available. */
export class UserError extends Error {
  readonly kind: ErrorKind = 'user';
  constructor(
    message: string,
    readonly where: ErrorLocation = {},
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** A bug in alembic-preflight itself (or in the driver protocol). */
export class InternalError extends Error {
  readonly kind: ErrorKind = 'internal';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InternalError';
  }
}

export function exitCodeFor(error: unknown): number {
  return error instanceof UserError ? EXIT.userError : EXIT.internalError;
}

/** How an error names the setting at fault: the CLI's flag (`--checks`), or the Action's input (`input checks`). */
let settingNaming: 'flag' | 'input' = 'flag';

/** The Action calls this once, when it reads its inputs; the CLI keeps flags. */
export function nameSettingsAsInputs(): void {
  settingNaming = 'input';
}

/** `checks` → `--checks` (CLI) or `input checks` (Action); the project directory is the CLI's DIR argument. */
export function settingName(key: string): string {
  if (settingNaming === 'input') return `input ${key}`;
  return key === 'dir' ? 'the DIR argument' : `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

export function describeError(error: unknown): string {
  if (error instanceof UserError) {
    const where = [error.where.file && (error.where.line ? `${error.where.file}:${error.where.line}` : error.where.file),
      error.where.revision && `revision ${error.where.revision}`, error.where.input && settingName(error.where.input)]
      .filter(Boolean).join(', ');
    return `error: ${error.message}${where ? ` (${where})` : ''}${error.detail ? `\n${error.detail}` : ''}`;
  }
  if (error instanceof Error) return `internal error: ${error.stack ?? error.message}`;
  return `internal error: ${String(error)}`;
}
