// Ending the `tessera` process without cutting its output. Writes to a pipe are asynchronous
// in Node: `process.exit` right after a large write dropped everything past the pipe's buffer
// (`tessera placement --json | jq` got 64 KiB of 2 MB). So the exit code is set first, and the
// process exits only once stdout and stderr have handed every byte to the OS.

/** Resolves once every byte written to `stream` so far is flushed (or the reader has gone). */
export function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) {
      resolve();
      return;
    }
    // A reader that went away (`| head`) ends the wait instead of crashing the exit.
    const onError = (): void => resolve();
    stream.once('error', onError);
    // Writes complete in order: the callback of an empty write runs after all earlier ones.
    stream.write('', () => {
      stream.off('error', onError);
      resolve();
    });
  });
}

/** Sets the exit code, waits for stdout and stderr to drain, then exits. */
export async function exitWhenFlushed(code: number): Promise<void> {
  process.exitCode = code;
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  // Exit even if a timer or socket (a follow loop, a keep-alive connection) is still open.
  process.exit();
}

/**
 * A reader that closes the pipe early (`tessera events --json | head`) ends the command quietly,
 * as with any Unix tool, rather than with an unhandled EPIPE error.
 */
export function endQuietlyWhenReaderGoes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit();
      throw error;
    });
  }
}
