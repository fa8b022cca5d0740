import { createServer } from 'node:net';

/** A free TCP port on loopback (asked of the OS; free when asked). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close(() => reject(new Error('the OS gave no TCP port')));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}
