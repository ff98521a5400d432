// Python tracebacks as a user needs them: the frames of alembic-preflight's own driver (and the standard library
// calls it made on the way to the user's file) removed, so the first frame shown is the migration or env.py.

const DRIVER = /[\\/](preflight_driver|driver\.py|drift\.py)\b/;
const STDLIB = /[\\/]lib[\\/]python3[^\\/]*[\\/](?!site-packages)/;

/** Removes driver frames, and standard-library frames that follow one, from a Python traceback. */
export function withoutDriverFrames(traceback: string): string {
  const lines = traceback.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let skipping = false;
  let afterDriver = false;
  for (const line of lines) {
    const frame = /^\s{2}File "([^"]+)", line \d+/.exec(line);
    if (frame) {
      const driver = DRIVER.test(frame[1]!);
      skipping = driver || (afterDriver && STDLIB.test(frame[1]!));
      afterDriver = skipping;
      if (!skipping) out.push(line);
      continue;
    }
    // A frame's source lines are indented by four; anything else ends the frame.
    if (skipping && /^\s{4}/.test(line)) continue;
    skipping = false;
    out.push(line);
  }
  const kept = out.join('\n');
  // Nothing but the header left (the error came from the driver itself): keep the original.
  return /File "/.test(kept) || !/File "/.test(traceback) ? kept : traceback;
}
