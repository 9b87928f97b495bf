import { chromium, type Browser } from 'playwright-core';
import { requireInstalled } from '../../scripts/lib/binaries.mjs';

/**
 * Debian's Chromium (`/usr/bin/chromium`), headless, driven by playwright-core (no browser
 * download). Fails naming the install command when it is missing. The flags keep it off the
 * network (this machine's network is closed; without them it retries Google's hosts at every
 * start). playwright-core gives it a fresh temporary profile and removes it when it closes.
 */
export async function launchChromium(): Promise<Browser> {
  requireInstalled('chromium');
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
