// Next.js calls register() once per server process, before serving requests.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  // Before anything that reads the environment at import time (the logger does): a bad key
  // stops `next start` here with a message instead of a 500 on every route.
  const { exitOnInvalidEnv } = await import('./server/env');
  exitOnInvalidEnv('The console');
  // First, so that no request is served without its socket address (see peer-address.ts).
  const { installPeerAddressStamp } = await import('./server/lib/peer-address');
  installPeerAddressStamp();
  const { bootConsole } = await import('./server/boot');
  try {
    await bootConsole();
  } catch (err) {
    // Next would keep serving and answer 500 everywhere: say why once, and stop.
    const known = err instanceof Error && err.name === 'WeakAdminPasswordError';
    const text = known ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`\nRome Image Console could not start.\n${text}\n\n`);
    process.exit(1);
  }
}
