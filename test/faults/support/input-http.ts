import { request } from 'node:http';
import { connect } from 'node:net';

/** A response as seen on the wire: status, headers and the body as text. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * Sends one HTTP/1.1 request with the request line and headers written byte for byte, so a test
 * can send what `fetch` would refuse or re-encode (raw non-UTF-8 bytes, an odd `Host`).
 */
export function rawRequest(
  url: string,
  head: Buffer | string,
  headers: Readonly<Record<string, string>> = {},
): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(15_000, () => socket.destroy(new Error(`no response to ${String(head).slice(0, 80)}`)));
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [top = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = top.split('\r\n');
      const status = Number(statusLine.split(' ')[1]);
      if (!Number.isInteger(status))
        return reject(new Error(`no HTTP response: ${JSON.stringify(text.slice(0, 200))}`));
      const parsed: Record<string, string> = {};
      for (const line of headerLines) {
        const at = line.indexOf(':');
        if (at > 0) parsed[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
      }
      let body = rest.join('\r\n\r\n');
      if (parsed['transfer-encoding'] === 'chunked') body = unchunk(body);
      resolve({ status, headers: parsed, body });
    });
    const host = headers.host ?? `${hostname}:${port}`;
    const extra = Object.entries(headers)
      .filter(([name]) => name !== 'host')
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.write(
      Buffer.concat([
        Buffer.isBuffer(head) ? head : Buffer.from(head, 'latin1'),
        Buffer.from(` HTTP/1.1\r\nHost: ${host}\r\n${extra}Connection: close\r\n\r\n`, 'latin1'),
      ]),
    );
  });
}

function unchunk(body: string): string {
  let out = '';
  let rest = body;
  while (rest.length > 0) {
    const at = rest.indexOf('\r\n');
    const size = Number.parseInt(rest.slice(0, at), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out += rest.slice(at + 2, at + 2 + size);
    rest = rest.slice(at + 2 + size + 2);
  }
  return out;
}

/** An open server-sent-events connection: the status, the text received so far, and how to close it. */
export interface SseConnection {
  readonly status: number;
  readonly received: () => string;
  readonly close: () => void;
}

/**
 * Opens an event stream and resolves once the server answered: for `200`, after the first event
 * arrived; otherwise with the error body in `received()`.
 */
export function openSse(url: string, timeoutMs = 20_000): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    let text = '';
    const req = request(url, { headers: { accept: 'text/event-stream' } }, (res) => {
      const status = res.statusCode ?? 0;
      res.setEncoding('utf8');
      const connection = { status, received: () => text, close: () => req.destroy() };
      res.on('data', (d: string) => {
        text += d;
        if (status === 200 && text.includes('\n\n')) resolve(connection);
      });
      res.on('end', () => resolve(connection));
      res.on('error', () => undefined);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no event from ${url} within ${timeoutMs} ms`)));
    req.on('error', (error) => reject(error));
    req.end();
  });
}
