// Next.js calls register() once per server process, before serving requests.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  // First, so that no request is served without its socket address (see peer-address.ts).
  const { installPeerAddressStamp } = await import('./server/lib/peer-address');
  installPeerAddressStamp();
  const { bootConsole } = await import('./server/boot');
  await bootConsole();
}
