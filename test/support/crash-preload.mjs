// Preloaded (node --import) into the built CLI or Action to fail as a bug would, outside any awaited chain: when the
// run first logs a line matching PREFLIGHT_CRASH_ON (default: the database choice), a timer throws
// (PREFLIGHT_CRASH=throw) or a promise is rejected with nobody awaiting it (reject). What is under test is the entry
// point's own last-resort handling: exit code, message, cleanup, and for the Action its outputs and summary.
const kind = process.env.PREFLIGHT_CRASH ?? 'throw';
const trigger = new RegExp(process.env.PREFLIGHT_CRASH_ON ?? 'database: ');
let armed = true;
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream);
  stream.write = (chunk, ...rest) => {
    if (armed && trigger.test(String(chunk))) {
      armed = false;
      setTimeout(() => {
        if (kind === 'reject') void Promise.reject(new Error('injected failure: a rejection nobody awaits'));
        else throw new Error('injected failure: thrown from a timer');
      }, 0);
    }
    return write(chunk, ...rest);
  };
}
