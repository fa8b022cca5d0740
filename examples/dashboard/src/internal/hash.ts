import { createHash } from 'node:crypto';

/**
 * A content hash of a panel's payload, to push a panel only when its data changed.
 *
 * @param payload - JSON-serialisable data
 * @returns a short hex digest
 */
export function payloadHash(payload: unknown): string {
  return createHash('sha256').update(JSON.stringify(payload)).digest('hex').slice(0, 16);
}
