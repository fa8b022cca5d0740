/**
 * Settles as `work` does, or rejects with the signal's reason as soon as `signal` aborts: for a
 * step that takes no signal itself (a client's connect). The work goes on; its outcome is then
 * ignored, so the caller ends it (e.g. disconnects) if it must not go on.
 *
 * @param work - what to wait for
 * @param signal - stops the waiting (none: `work` itself is returned)
 * @returns what `work` resolved to
 * @example
 * ```ts
 * await untilAborted(client.connect(), signal).catch(async (error) => {
 *   await client.disconnect();
 *   throw error;
 * });
 * ```
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
