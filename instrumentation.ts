// Next.js calls register() once per server process, before serving requests.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  // Before anything that reads the environment at import time (the logger does): a bad key
  // stops `next start` here with a message instead of a 500 on every route.
  const { exitOnInvalidEnv } = await import('./server/env');
  exitOnInvalidEnv('The console');
  const { bootConsole } = await import('./server/boot');
  await bootConsole();
}
