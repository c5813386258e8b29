import { chromium, type Browser } from 'playwright-core';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './cli.js';

export const ARTIFACTS = path.join(ROOT, 'test-artifacts');

/** Debian's chromium, driven by playwright-core; no browser download is needed. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath =
    process.env.CHROMIUM_PATH ??
    ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find(existsSync);
  if (!executablePath) throw new Error('No chromium found: install Debian package "chromium" (bash .ci/run does)');
  return chromium.launch({ executablePath, args: ['--no-sandbox'] });
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}
