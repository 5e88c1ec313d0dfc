// What every browser test shares: Debian's Chromium driven by playwright-core (never a downloaded
// browser), the platform started by run_browser_tests.cpp (COMPTOIR_WEB_URL), axe-core, screenshots,
// and calls to the API as a script would make them (to set things up or check them).
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const BASE = process.env.COMPTOIR_WEB_URL ?? 'http://127.0.0.1:8080';
export const ARTIFACTS = process.env.COMPTOIR_WEB_ARTIFACTS ?? join(tmpdir(), 'comptoir-web-artifacts');
const API_KEY = 'pos-test-automation-dev-key-2025';
export const DEMO_PASSWORD = 'comptoir-demo';
export const VIEWPORTS = { desktop: { width: 1440, height: 900 }, mobile: { width: 375, height: 740 } };

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Chromium with a fresh profile (its own --user-data-dir, removed at close), as the project runs it
 * everywhere: one person's browser. Two people in one test are two of these.
 */
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'comptoir-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.COMPTOIR_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: VIEWPORTS.desktop,
    locale: 'fr-CA',
    timezoneId: 'America/Toronto',
    baseURL: BASE,
  });
  context.setDefaultTimeout(15000);
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * A page of that browser at `viewport`. Every console error, uncaught error, failed request and CSP
 * violation is collected in `page.problems`; a test ends with `assertNoProblems(page)`.
 */
export async function openPage(browser, viewport = VIEWPORTS.desktop) {
  const page = await browser.context.newPage();
  await page.setViewportSize(viewport);
  page.problems = [];
  page.on('console', (m) => {
    // A refused API call is expected in some tests (a declined card is a 402, a wrong gift-card PIN a 422): the
    // screen shows it.
    if (m.type() === 'error' && !/status of (40[0-9]|422|50[34])/.test(m.text())) page.problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    if (!/ERR_ABORTED/.test(r.failure()?.errorText ?? '')) page.problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  return page;
}

/** Runs `fn(browser)` with a browser of its own (a person with a fresh profile), closed afterwards. */
export async function withBrowser(fn) {
  const browser = await launch();
  try {
    return await fn(browser);
  } finally {
    await browser.close();
  }
}

export function assertNoProblems(page) {
  assert.deepEqual(page.problems, [], 'the page logged errors, failed requests or CSP violations');
}

/** axe-core on the page as it is: no serious or critical violation. */
export async function checkAxe(page, label) {
  // Through the DevTools protocol: the page's CSP rightly refuses an injected inline <script>.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `axe found serious/critical violations on ${label}: ${JSON.stringify(bad, null, 1)}`);
  return result;
}

/** The page must not scroll sideways (works at 375 px). */
export async function assertFits(page, label) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `${label} is ${overflow}px wider than the ${page.viewportSize().width}px viewport`);
}

export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Text with the no-break spaces of French money made plain: "12,99 $". */
export function plain(text) {
  return (text ?? '').replace(/[\u00a0\u202f]/g, ' ').replace(/\s+/g, ' ').trim();
}

/** A call to the API through the gateway, as a script would make it. */
export async function api(method, path, { body, token, headers = {} } = {}) {
  const r = await fetch(`${BASE}/api/v1${path}`, {
    method,
    headers: {
      'X-API-Key': API_KEY,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: r.status, body: json, text };
}

export async function staffToken(email) {
  const r = await api('POST', '/auth/staff/login', { body: { email, password: DEMO_PASSWORD } });
  assert.equal(r.status, 200, r.text);
  return r.body.access_token;
}

export function uniqueEmail(prefix) {
  return `${prefix}+${randomUUID().slice(0, 8)}@example.com`;
}

/** Waits until `check()` is truthy (polling), up to `ms`; returns the time it took. */
export async function eventually(check, ms, what) {
  const start = Date.now();
  for (;;) {
    if (await check()) return Date.now() - start;
    if (Date.now() - start > ms) assert.fail(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export { createHmac };

/** Presses Tab until `locator` has the focus (at most `max` times): proves it is reachable by keyboard. */
export async function tabTo(page, locator, max = 80) {
  const handle = await locator.elementHandle();
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await handle.evaluate((el) => el === document.activeElement)) return i + 1;
  }
  assert.fail(`not reachable with Tab in ${max} presses: ${locator}`);
}

/** Signs in through the back office's form (mouse and typing). */
export async function staffSignIn(page, email) {
  await page.goto('/gestion');
  await page.getByLabel('Adresse courriel').fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('navigation', { name: 'Menu de la gestion' }).waitFor();
}

/**
 * The page as it is now, at 1440 px and at 375 px: axe-core (no serious or critical violation), no
 * sideways scrolling, a screenshot `<name>-desktop.png` / `<name>-mobile.png`. The viewport is put back.
 */
export async function checkPage(page, name) {
  const original = page.viewportSize();
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await checkAxe(page, `${name} (${size})`);
    await assertFits(page, `${name} (${size})`);
    await screenshot(page, `${name}-${size}`);
  }
  await page.setViewportSize(original);
}
