/**
 * jest-environment-jsdom has no `fetch`; the local cloud's client (emulator/client/client.ts) posts with
 * it. This is the part of fetch that client uses (POST a string body, read status and JSON), over
 * Node's http module, for 127.0.0.1 only.
 */
import http from 'http';

/** What the client reads from a response. */
export interface FetchResponse {
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}

/** POSTs (or GETs) `url` with `init`; rejects like fetch when the connection fails. */
export function nodeFetch(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<FetchResponse> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    if (target.hostname !== '127.0.0.1') {
      reject(new TypeError(`nodeFetch only reaches 127.0.0.1, not ${target.hostname}`));
      return;
    }
    const req = http.request(
      { hostname: target.hostname, port: target.port, path: target.pathname + target.search, method: init.method || 'GET', headers: init.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode || 0;
          resolve({ ok: status >= 200 && status < 300, status, json: async () => JSON.parse(text) as unknown });
        });
      },
    );
    req.on('error', (err) => reject(new TypeError(`fetch failed: ${err.message}`)));
    req.end(init.body);
  });
}
