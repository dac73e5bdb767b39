import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

// Next.js's route handlers get a web Request, which has no socket; and `next start` fills
// X-Forwarded-For from the socket only when the client did not send one, so that header is
// whatever the client says. Node announces every request on the `http.server.request.start`
// diagnostics channel before any 'request' listener (Next's included) sees it; the subscriber
// below stamps the TCP peer into a header of ours, overwriting anything the client sent.
// The route reads it only when this process installed the stamp (else a client could
// send the header itself).
export const PEER_ADDRESS_HEADER = 'x-rome-peer-address';

const INSTALLED = Symbol.for('rome.peerAddressStamp');
type Holder = { [INSTALLED]?: true };

function stamp(message: unknown) {
  const { request, socket } = message as { request: IncomingMessage; socket: Socket };
  // Set (or cleared) on every request, so a value the client sent never survives.
  request.headers[PEER_ADDRESS_HEADER] = socket.remoteAddress ?? '';
}

/** Called once per process from instrumentation.ts, before the server handles requests. */
export function installPeerAddressStamp(): void {
  const g = globalThis as Holder;
  if (g[INSTALLED]) return;
  subscribe('http.server.request.start', stamp);
  g[INSTALLED] = true;
}

/** The socket peer of a request that came through this process's HTTP server, else null. */
export function peerAddressOf(headers: Headers): string | null {
  if (!(globalThis as Holder)[INSTALLED]) return null;
  return headers.get(PEER_ADDRESS_HEADER) || null;
}
