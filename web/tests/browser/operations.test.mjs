// The operations page (ADR 0103) in Chromium, against the platform and the real Prometheus that
// run_browser_tests.cpp starts: a manager sees every target up and the four charts; a cart instance
// killed shows as down within seconds, without reloading, and its alert fires; Prometheus stopped
// is a French message, and the page recovers by itself. Cashiers never see it.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ARTIFACTS, api, assertNoProblems, checkPage, eventually, openPage, plain, screenshot, staffSignIn, staffToken, withBrowser } from './helpers.mjs';

const MANAGER = 'manager@comptoir.local';
const CASHIER = 'cashier.vieux-montreal@comptoir.local';
const PAGE = '/gestion/exploitation';

/** Asks the runner to act on the platform (kill-cart-2, start-cart-2, stop-prometheus, start-prometheus). */
async function control(command) {
  const file = process.env.COMPTOIR_WEB_CONTROL;
  const pid = Number(process.env.COMPTOIR_WEB_RUNNER_PID);
  assert.ok(file && pid, 'run by run_browser_tests.cpp (COMPTOIR_WEB_CONTROL, COMPTOIR_WEB_RUNNER_PID)');
  rmSync(`${file}.done`, { force: true });
  writeFileSync(file, `${command}\n`);
  process.kill(pid, 'SIGUSR1');
  await eventually(() => existsSync(`${file}.done`) && readFileSync(`${file}.done`, 'utf8').split('\n').length > 2, 90000, command);
  const [done, result] = readFileSync(`${file}.done`, 'utf8').split('\n');
  assert.equal(done, command);
  assert.equal(result, 'ok');
}

const cartState = async (page, id) => plain(await page.getByTestId(`cart-${id}`).locator('.badge').textContent());

test('a manager follows the platform live; a killed cart instance shows as down within seconds', () =>
  withBrowser(async (browser) => {
    const page = await openPage(browser);
    await staffSignIn(page, MANAGER);
    await page.getByRole('navigation', { name: 'Menu de la gestion' }).getByRole('link', { name: 'Exploitation' }).click();
    await page.waitForURL(/\/gestion\/exploitation$/);
    await page.getByRole('heading', { name: 'Exploitation en direct' }).waitFor();
    for (const id of ['cart-1', 'cart-2', 'cart-3']) {
      await eventually(async () => (await page.getByTestId(`cart-${id}`).count()) === 1 && (await cartState(page, id)) === 'En service', 15000, `${id} en service`);
    }
    assert.equal(await page.getByTestId('targets').locator('tbody tr').count() >= 10, true);
    // Traffic for the charts, then the four charts drawn by uPlot.
    for (let i = 0; i < 20; i++) await api('GET', `/cart?session_id=${crypto.randomUUID()}`);
    for (const id of ['requests', 'latency', 'errors', 'cart_load']) await page.getByTestId(`chart-${id}`).locator('canvas').waitFor();
    // (least-connections may send all of these sequential calls to one instance: at least one series)
    await eventually(async () => (await page.getByTestId('chart-cart_load').locator('tbody tr').count()) >= 1, 40000, 'the load of the cart instances');
    await eventually(async () => (await page.getByTestId('chart-requests').locator('tbody tr').count()) >= 3, 40000, 'requests of several services');
    await checkPage(page, 'office-operations');

    let navigations = 0;
    page.on('framenavigated', () => navigations++);
    await control('kill-cart-2');
    const took = await eventually(async () => (await cartState(page, 'cart-2')) === 'Hors service', 10000, 'cart-2 hors service on the page');
    assert.equal(await cartState(page, 'cart-1'), 'En service');
    assert.match(plain(await page.getByTestId('target-cart-cart-2').textContent()), /Hors service/);
    // Its alert (the rules' `for:` shortened to 3 s by the runner) fires on the page too.
    await eventually(async () => /Déclenchée/.test(plain(await page.getByTestId('alert-CartInstanceDown').textContent().catch(() => ''))), 30000, 'CartInstanceDown déclenchée');
    assert.equal(navigations, 0, 'the page reloaded');
    writeFileSync(join(ARTIFACTS, 'operations-cart-down.json'), `${JSON.stringify({ shown_down_after_ms: took })}\n`);
    await screenshot(page, 'office-operations-cart-down');

    await control('start-cart-2');
    await eventually(async () => (await cartState(page, 'cart-2')) === 'En service', 20000, 'cart-2 en service again');
    assertNoProblems(page);
  }));

test('Prometheus stopped: the page says so in French, then recovers by itself', () =>
  withBrowser(async (browser) => {
    const page = await openPage(browser);
    await staffSignIn(page, MANAGER);
    await page.goto(PAGE);
    await page.getByTestId('cart-cart-1').waitFor();
    await control('stop-prometheus');
    try {
      const alert = page.getByTestId('operations-error');
      await alert.waitFor({ timeout: 10000 });
      assert.match(plain(await alert.textContent()), /Prometheus ne répond pas/);
      // The last figures stay, marked as such.
      assert.match(plain(await alert.textContent()), /Dernières valeurs connues/);
      await screenshot(page, 'office-operations-prometheus-down');
      const token = await staffToken(MANAGER);
      const r = await api('GET', '/operations/status', { token });
      assert.equal(r.status, 503);
      assert.equal(r.body.code, 'prometheus.unavailable');
    } finally {
      await control('start-prometheus');
    }
    await page.getByTestId('operations-error').waitFor({ state: 'detached', timeout: 15000 });
    // 503s were expected here: only the other problems count.
    page.problems = page.problems.filter((p) => !/operations\/(status|series)/.test(p));
    assertNoProblems(page);
  }));

test('a cashier has no operations page, and the web service refuses its data', () =>
  withBrowser(async (browser) => {
    const page = await openPage(browser);
    await staffSignIn(page, CASHIER);
    const calls = [];
    page.on('request', (r) => r.url().includes('/api/') && calls.push(r.url()));
    await page.goto(PAGE);
    await page.getByRole('heading', { name: 'Accès refusé' }).waitFor();
    assert.ok(!calls.some((u) => u.includes('/operations/')), calls.join('\n'));
    const token = await staffToken(CASHIER);
    assert.equal((await api('GET', '/operations/status', { token })).status, 403);
    assert.equal((await api('GET', '/operations/status')).status, 401);
    assertNoProblems(page);
  }));
