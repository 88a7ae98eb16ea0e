/**
 * The browser side of the web page tests: the page built from web/ into a folder of the test's
 * own (scripts/web-build.ts, the build `npm run build` runs), Debian's Chromium driven by
 * playwright-core (one browser per test file), a logged-in page at desktop or phone width, and
 * screenshots written to test-output/screenshots/.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject, onTestFinished } from 'vitest';
import { buildWebPage, type WebBuild } from '../../scripts/web-build.js';
import { tempDir } from '../support/temp-dir.js';

export const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const SCREENSHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** The page built once for the run by the global setup (or, outside vitest's run, into a temporary folder), for the hub's web.assetsDir. */
export async function builtPage(): Promise<WebBuild> {
  const build = builtForTheRun() ?? (await buildWebPage(join(await tempDir('hearth-web-'), 'web')));
  if (build.problems.length > 0) throw new Error(`the page's build breaks its rules: ${build.problems.join('; ')}`);
  return build;
}

function builtForTheRun(): WebBuild | undefined {
  try {
    return inject('hearthWebPage');
  } catch {
    return undefined;
  }
}

export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  onTestFinished(() => browser.close());
  return browser;
}

export interface OpenPage {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught errors in the page (a CSP violation is one), and answers of 400 and up other than a login's 401s. */
  problems: string[];
}

/** A fresh browser context at a viewport, with the page's console errors collected. */
export async function openPage(
  browser: Browser,
  url: string,
  viewport = DESKTOP,
  storageState?: Awaited<ReturnType<BrowserContext['storageState']>>,
): Promise<OpenPage> {
  const context = await browser.newContext({ viewport, ...(storageState === undefined ? {} : { storageState }) });
  onTestFinished(() => context.close());
  const page = await context.newPage();
  const problems: string[] = [];
  // the browser logs every answer of 400 and up as a console error too: those are judged by their address below
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
  });
  // before a login, the page asks for its session (401); a wrong token is a 401 too
  const expected = (path: string, status: number): boolean => status === 401 && (path === '/api/session' || path === '/api/login');
  page.on('response', (response) => {
    const path = new URL(response.url()).pathname;
    if (response.status() >= 400 && !expected(path, response.status()))
      problems.push(`${response.request().method()} ${path}: ${response.status()}`);
  });
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(url);
  return { context, page, problems };
}

/** Logs in with the access token through the login form, and waits for the hub page. */
export async function logIn(page: Page, token: string): Promise<void> {
  await page.getByLabel('Access token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { level: 1, name: /^Hub/ }).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
