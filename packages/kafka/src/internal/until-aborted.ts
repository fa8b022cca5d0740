/**
 * Settles as `work` does, or rejects with the signal's reason as soon as `signal` aborts (the work
 * goes on; its outcome is then ignored).
 *
 * @param work - what to wait for
 * @param signal - stops the waiting
 * @returns what `work` resolved to
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
