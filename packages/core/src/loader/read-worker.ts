/**
 * The entry of a loader reader thread: reads the files the {@link ReaderPool} posts, one at a
 * time, and posts back their column batches without copying. At most `READ_AHEAD` batches of a
 * file are in flight; each one the loader takes is acknowledged, which lets the next one go.
 */
import { parentPort } from 'node:worker_threads';
import { postError, readFileColumns } from './file-read.js';
import { READ_AHEAD, type ReaderReply, type ReaderRequest } from './reader-protocol.js';

const port = parentPort;
if (port === null) throw new Error('read-worker runs only as a worker thread');

let current: { id: number; credits: number; controller: AbortController; wake?: () => void } | undefined;
const queue: Extract<ReaderRequest, { type: 'read' }>[] = [];

function reply(message: ReaderReply, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

async function run(request: Extract<ReaderRequest, { type: 'read' }>): Promise<void> {
  const state: NonNullable<typeof current> = {
    id: request.id,
    credits: READ_AHEAD,
    controller: new AbortController(),
  };
  current = state;
  const { signal } = state.controller;
  try {
    for await (const event of readFileColumns(request.job, signal)) {
      while (state.credits === 0 && !signal.aborted) {
        await new Promise<void>((resolve) => {
          state.wake = resolve;
        });
      }
      signal.throwIfAborted();
      if (event.type === 'batch') {
        state.credits -= 1;
        const { transfer, ...posted } = event;
        reply({ type: 'event', id: request.id, event: posted }, transfer);
      } else {
        reply({ type: 'event', id: request.id, event });
      }
    }
  } catch (error) {
    reply({ type: 'error', id: request.id, error: postError(error) });
  } finally {
    current = undefined;
  }
}

async function drain(): Promise<void> {
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) await run(next);
}

port.on('message', (message: ReaderRequest) => {
  if (message.type === 'read') {
    queue.push(message);
    if (current === undefined && queue.length === 1) void drain();
    return;
  }
  const state = current;
  if (state === undefined || state.id !== message.id) return;
  if (message.type === 'ack') state.credits += 1;
  else state.controller.abort(new Error('cancelled'));
  state.wake?.();
  state.wake = undefined;
});
