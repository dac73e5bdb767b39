import { defineConfig } from '@playwright/test';

// E2E_PORT lets two checkouts on one machine run their suites side by side.
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);

// One console (production build, embedded PGlite) for the whole run, started by global-setup,
// which reads the admin password it prints. Debian's Chromium only: never a downloaded browser.
export default defineConfig({
  testDir: '.',
  outputDir: '../test-results/playwright',
  globalSetup: './global-setup.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: '../test-results/playwright.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    viewport: { width: 1440, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
