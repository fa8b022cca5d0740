/**
 * Frees the memory of an `ArrayBuffer` this process owns alone, now rather than at the next full
 * garbage collection: every view of it reads as empty afterwards.
 *
 * The sink's large buffers (the records of a fetch, the columns of a flush) live long enough to
 * reach V8's old generation, whose collector runs only when a budget of allocations is spent: in
 * between, tens of MiB of buffers that nothing reads any more stay allocated. Detaching one hands
 * its memory to a new, unreferenced `ArrayBuffer` (`structuredClone` with `transfer`), which the
 * next young-generation collection frees, a few milliseconds later; `ArrayBuffer.prototype.transfer`,
 * where the runtime has it, frees it at once.
 *
 * Never call it on memory shared with other views (Node's pool of small buffers among them).
 *
 * @param memory - the buffer to free
 */
export function releaseMemory(memory: ArrayBufferLike): void {
  if (memory.byteLength === 0 || !(memory instanceof ArrayBuffer)) return;
  const transfer = (memory as { transfer?: (length: number) => ArrayBuffer }).transfer;
  if (typeof transfer === 'function') transfer.call(memory, 0);
  else structuredClone(memory, { transfer: [memory] });
}
