import { type FileHandle, open } from 'node:fs/promises';
import { OrderstreamError } from '../errors/orderstream-error.js';

/**
 * The error of a file that cannot be opened or read: `CORE_FILE_NOT_FOUND` when it does not
 * exist, else `CORE_FILE_UNREADABLE`.
 */
export function fileError(error: unknown, path: string): OrderstreamError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') {
    return new OrderstreamError('CORE_FILE_NOT_FOUND', `File not found: ${path}`, {
      cause: error,
      details: { path },
    });
  }
  return new OrderstreamError(
    'CORE_FILE_UNREADABLE',
    `Cannot read ${path}: ${(error as Error | undefined)?.message ?? String(error)}`,
    { cause: error, details: { path, errno: code } },
  );
}

/**
 * What {@link FileBytes} takes from the readers' options (`ReadRecordOptions` has these fields; they
 * are declared here so that this file imports nothing of the readers that use it).
 */
export interface FileBytesOptions {
  /** Stops reading: the next read throws the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Sees every chunk of the file's bytes, in order, as it is read. */
  onChunk?: ((chunk: Buffer) => void) | undefined;
  /** Bytes read at a time, instead of the reader's own default. */
  chunkSize?: number | undefined;
}

/**
 * A file's bytes for the readers. The loader's byte reader reads into one buffer that is reused
 * (`more`: the bytes not yet taken move to its front and the next ones are read after them, no
 * buffer per chunk, no concatenation); the string reader takes chunks (`rest`). Every byte read is
 * shown to `onChunk` once, in order; read errors become `fileError`s.
 */
export class FileBytes {
  readonly #path: string;
  readonly #handle: FileHandle;
  readonly #chunkSize: number;
  readonly #signal: AbortSignal | undefined;
  readonly #onChunk: ((chunk: Buffer) => void) | undefined;
  #buffer: Buffer;
  #end = 0;
  /** Bytes read from the file so far. */
  bytesRead = 0;

  private constructor(path: string, handle: FileHandle, options: FileBytesOptions, chunkSize: number) {
    this.#path = path;
    this.#handle = handle;
    this.#chunkSize = options.chunkSize ?? chunkSize;
    this.#signal = options.signal;
    this.#onChunk = options.onChunk;
    this.#buffer = Buffer.alloc(0);
  }

  /**
   * Opens a file.
   *
   * @param chunkSize - bytes read at a time unless `options.chunkSize` says otherwise
   * @throws {@link OrderstreamError} `CORE_FILE_NOT_FOUND`, `CORE_FILE_UNREADABLE`
   */
  static async open(path: string, options: FileBytesOptions, chunkSize: number): Promise<FileBytes> {
    options.signal?.throwIfAborted();
    try {
      return new FileBytes(path, await open(path, 'r'), options, chunkSize);
    } catch (error) {
      throw fileError(error, path);
    }
  }

  /** Reads up to one chunk of bytes into `into` at `at`; 0 at the end of the file. */
  async #read(into: Buffer, at: number): Promise<number> {
    let read: number;
    try {
      ({ bytesRead: read } = await this.#handle.read(into, at, this.#chunkSize, this.bytesRead));
    } catch (error) {
      throw this.#signal?.aborted ? this.#signal.reason : fileError(error, this.#path);
    }
    this.#signal?.throwIfAborted();
    if (read > 0) this.#onChunk?.(into.subarray(at, at + read));
    this.bytesRead += read;
    return read;
  }

  /**
   * Keeps the bytes from `from` on (of those the last call returned) and reads the next chunk
   * after them.
   *
   * @returns the kept bytes followed by the new ones; `done` at the end of the file (no new ones)
   */
  async more(from: number): Promise<{ bytes: Buffer; done: boolean }> {
    const kept = this.#end - from;
    if (this.#buffer.length - kept < this.#chunkSize) {
      // A record longer than the room left: a larger buffer.
      const larger = Buffer.allocUnsafe(Math.max(2 * this.#buffer.length, kept + this.#chunkSize));
      this.#buffer.copy(larger, 0, from, this.#end);
      this.#buffer = larger;
    } else if (from > 0) {
      this.#buffer.copyWithin(0, from, this.#end);
    }
    this.#end = kept;
    const read = await this.#read(this.#buffer, kept);
    this.#end = kept + read;
    return { bytes: this.#buffer.subarray(0, this.#end), done: read === 0 };
  }

  /** The bytes from `from` on (of those the last call returned), then the rest of the file. */
  async *rest(from: number): AsyncGenerator<Buffer> {
    // Copies: the string reader may hold on to them.
    if (from < this.#end) yield Buffer.from(this.#buffer.subarray(from, this.#end));
    for (;;) {
      const chunk = Buffer.allocUnsafe(this.#chunkSize);
      const read = await this.#read(chunk, 0);
      if (read === 0) return;
      yield chunk.subarray(0, read);
    }
  }

  close(): Promise<void> {
    return this.#handle.close();
  }
}
