import type { FileReadEvent, FileReadJob, PostedError } from './file-read.js';

/**
 * Batches of one file a reader thread may post before the loader has taken them: enough for a
 * thread to read each Kaggle-size file after geolocation whole while the loader writes
 * geolocation, bounded so that memory does not grow with the data set (at most 64 batches per
 * thread, whatever the file's size).
 */
export const READ_AHEAD = 64;

/** From the loader to a reader thread. */
export type ReaderRequest =
  | { readonly type: 'read'; readonly id: number; readonly job: FileReadJob }
  /** The loader took one batch of file `id`. */
  | { readonly type: 'ack'; readonly id: number }
  /** The loader no longer wants file `id`. */
  | { readonly type: 'cancel'; readonly id: number };

/** A {@link FileReadEvent} as posted (its buffers travel in the transfer list). */
export type PostedFileReadEvent =
  | Exclude<FileReadEvent, { type: 'batch' }>
  | Omit<Extract<FileReadEvent, { type: 'batch' }>, 'transfer'>;

/** From a reader thread to the loader. */
export type ReaderReply =
  | { readonly type: 'event'; readonly id: number; readonly event: PostedFileReadEvent }
  | { readonly type: 'error'; readonly id: number; readonly error: PostedError };
