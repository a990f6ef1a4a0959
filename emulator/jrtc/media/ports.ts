/**
 * Port choice for the media server. node-media-server 4.4.3 cannot listen on port 0 and calls
 * process.exit(1) when its port is taken, so ports are chosen and checked here before it starts.
 */
import { once } from 'events';
import net from 'net';

/** The address the media server binds: network traffic stays on this machine. */
export const MEDIA_HOST = '127.0.0.1';

/** Thrown when a requested media port is in use or cannot be bound. */
export class MediaPortError extends Error {
  constructor(
    readonly port: number,
    readonly what: string,
    cause: string,
  ) {
    super(`media server: ${what} port ${MEDIA_HOST}:${port} is not available (${cause}); free it or pick another port (0 = any free port)`);
    this.name = 'MediaPortError';
  }
}

/** Binds `port` (0 = any) on MEDIA_HOST, then releases it; resolves the bound port. */
async function probe(port: number): Promise<number> {
  const server = net.createServer();
  server.unref();
  server.listen({ port, host: MEDIA_HOST, exclusive: true });
  await once(server, 'listening');
  const bound = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return bound;
}

/**
 * The port to give node-media-server for `what` ("RTMP", "HTTP-FLV"): `requested` when it is free,
 * a free port when `requested` is 0. Rejects with MediaPortError otherwise. `avoid` lists ports
 * already handed out (the OS may offer the same free port twice in a row).
 */
export async function choosePort(requested: number, what: string, avoid: readonly number[] = []): Promise<number> {
  if (!Number.isInteger(requested) || requested < 0 || requested > 65535) {
    throw new MediaPortError(requested, what, 'not a port number');
  }
  if (requested !== 0 && avoid.includes(requested)) throw new MediaPortError(requested, what, 'already used by another media listener');
  for (let attempt = 0; attempt < 20; attempt += 1) {
    let port: number;
    try {
      port = await probe(requested);
    } catch (err) {
      throw new MediaPortError(requested, what, (err as NodeJS.ErrnoException).code ?? String(err));
    }
    if (!avoid.includes(port)) return port;
  }
  throw new MediaPortError(requested, what, 'no free port found');
}

/**
 * Waits for `server` (already told to listen) to listen, replacing whatever 'error' listeners it has
 * — node-media-server's would exit the process — with a rejection naming the port.
 */
export async function whenListening(server: net.Server, port: number, what: string): Promise<void> {
  server.removeAllListeners('error');
  try {
    if (!server.listening) await once(server, 'listening');
  } catch (err) {
    throw new MediaPortError(port, what, (err as NodeJS.ErrnoException).code ?? (err as Error).message);
  }
  // A later error on a listening server (rare) is logged by the owner, never a process exit.
  server.on('error', () => undefined);
}
