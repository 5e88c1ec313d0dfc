// The back office and the head-office dashboard in Chromium against a real platform: who sees what,
// the dashboard following a till's sale without reloading, a restock from request to receipt, the
// catalogue, stock, sales and returns, online orders, staff accounts; axe and 375 px on every page.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  ARTIFACTS,
  BASE,
  VIEWPORTS,
  api,
  assertNoProblems,
  checkPage,
  eventually,
  openPage,
  plain,
  staffSignIn,
  staffToken,
  uniqueEmail,
  withBrowser,
} from './helpers.mjs';

const CASHIER = 'cashier.vieux-montreal@comptoir.local'; // store 1
const MANAGER = 'manager@comptoir.local';
const LOGISTICS = 'logistics@comptoir.local';
const ADMIN = 'admin@comptoir.local';

async function onHand(token, location, product) {
  const r = await api('GET', `/inventory?location_id=${location}&product_id=${product}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.body.data[0]?.on_hand ?? 0;
}

async function sellAtTill(token, location, product, quantity) {
  const r = await api('POST', '/sales', {
    token,
    headers: { 'Idempotency-Key': crypto.randomUUID() },
    body: { location_id: location, lines: [{ product_id: product, quantity }], payments: [{ method: 'cash', amount_cents: 500000 }] },
  });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

/** Money and trends as the dashboard writes them (web/src/format.ts), with plain spaces: "1 234,56 $", "+2,8 %". */
function money(cents) {
  const abs = Math.abs(cents);
  const dollars = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return `${cents < 0 ? '-' : ''}${dollars},${(abs % 100).toString().padStart(2, '0')} $`;
}
function trend(value) {
  if (value === null || value === undefined) return '—';
  return `${value > 0 ? '+' : value < 0 ? '-' : ''}${Math.abs(value).toFixed(1).replace('.', ',')} %`;
}

/** What a dashboard card should show for `figures` of GET /dashboard: the headline, then its rows in order. */
function expectedCard(title, figures, online = false) {
  const rows = online
    ? [
        ['7 jours', money(figures.revenue_7d_cents)],
        ['Tendance (7 j)', trend(figures.trend_pct)],
        ['Commandes aujourd’hui', String(figures.orders_today)],
        ['Panier moyen', money(figures.average_basket_cents)],
        ['Commandes à traiter', String(figures.open_orders)],
      ]
    : [
        ['7 jours', money(figures.revenue_7d_cents)],
        ['Tendance (7 j)', trend(figures.trend_pct)],
        ['Transactions', String(figures.transactions_today)],
        ['Panier moyen', money(figures.average_basket_cents)],
        ['Stock bas', String(figures.low_stock_count)],
        ['Réappros en attente', String(figures.pending_restock_requests)],
      ];
  return { title, today: money(figures.revenue_today_cents), rows };
}

/** A dashboard card as shown: its title, today's revenue, its label/value rows. */
async function shownCard(card) {
  const labels = (await card.locator('dt').allTextContents()).map(plain);
  const values = (await card.locator('dd').allTextContents()).map(plain);
  return {
    title: plain(await card.getByRole('heading').textContent()),
    today: plain(await card.getByTestId('revenue-today').textContent()),
    rows: labels.map((l, i) => [l, values[i]]),
  };
}

/** The best sellers as shown: rank, product, quantity, sales. */
async function shownTop(page) {
  const rows = page.locator('table.list tbody tr');
  const out = [];
  for (let i = 0; i < (await rows.count()); i++) out.push((await rows.nth(i).locator('th, td').allTextContents()).map(plain));
  return out;
}

/** Waits until every card and the best sellers show exactly what reporting answers; returns that answer. */
async function dashboardMatches(page, token) {
  let last;
  await eventually(async () => {
    const d = await api('GET', '/dashboard', { token });
    const top = await api('GET', '/reports/top-products?limit=5', { token });
    assert.equal(d.status, 200, d.text);
    assert.equal(top.status, 200, top.text);
    const expected = {
      totals: expectedCard('Total du réseau', d.body.totals),
      online: expectedCard('Boutique en ligne', d.body.online, true),
      stores: d.body.stores.map((s) => expectedCard(s.name, s)),
      top: top.body.rows.map((r) => [String(r.rank), r.name, String(r.quantity), money(r.sales_cents)]),
    };
    const shown = {
      totals: await shownCard(page.getByTestId('totals')),
      online: await shownCard(page.getByTestId('online')),
      stores: await Promise.all(d.body.stores.map((s) => shownCard(page.getByTestId(`store-${s.location_id}`)))),
      top: await shownTop(page),
    };
    last = { expected, shown, dashboard: d.body, top: top.body.rows };
    return JSON.stringify(expected) === JSON.stringify(shown);
  }, 5000, 'the dashboard showing what reporting answers').catch((e) => assert.fail(`${e.message}\n${JSON.stringify(last, null, 1)}`));
  return last;
}

async function shopperBuys(browser, productId, quantity) {
  const email = uniqueEmail('amelie.tremblay');
  const registered = await api('POST', '/auth/register', { body: { email, password: 'un-mot-de-passe-solide', first_name: 'Amélie', last_name: 'Tremblay' } });
  assert.equal(registered.status, 201, registered.text);
  const page = await openPage(browser);
  await page.goto('/connexion');
  await page.getByLabel('Adresse courriel').fill(email);
  await page.getByLabel('Mot de passe').fill('un-mot-de-passe-solide');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByText('Bonjour, Amélie').waitFor();
  await page.goto(`/produits/${productId}`);
  await page.getByLabel('Quantité').fill(String(quantity));
  await page.getByRole('button', { name: 'Ajouter au panier' }).click();
  await page.getByText(/ajouté au panier/).waitFor();
  await page.goto('/paiement');
  await page.getByLabel('Adresse', { exact: true }).fill('350 rue Saint-Joseph Est');
  await page.getByLabel('Ville').fill('Québec');
  await page.getByLabel('Code postal').fill('G1K 3B2');
  await page.getByLabel('Numéro de carte').fill('4242 4242 4242 4242');
  await page.getByRole('button', { name: /Payer/ }).click();
  await page.getByRole('heading', { name: 'Merci! Votre commande est confirmée.' }).waitFor();
  const order = { subtotal: plain(await page.getByTestId('subtotal').textContent()), total: plain(await page.getByTestId('total').textContent()) };
  assertNoProblems(page);
  await page.close();
  return order;
}

test('a cashier cannot open head-office pages', () =>
  withBrowser(async (browser) => {
    const page = await openPage(browser);
    await staffSignIn(page, CASHIER);
    const menu = page.getByRole('navigation', { name: 'Menu de la gestion' });
    assert.deepEqual(
      (await menu.getByRole('link').allTextContents()).map(plain),
      ['Stock', 'Réapprovisionnement', 'Transferts', 'Ventes', 'Caisses', 'Cartes-cadeaux', 'Mot de passe'],
    );
    const calls = [];
    page.on('request', (r) => r.url().includes('/api/') && calls.push(r.url()));
    for (const path of ['/gestion/tableau-de-bord', '/gestion/produits', '/gestion/personnel', '/gestion/commandes']) {
      await page.goto(path);
      await page.getByRole('heading', { name: 'Accès refusé' }).waitFor();
    }
    assert.ok(!calls.some((u) => /dashboard|\/staff\?|\/orders/.test(u)), calls.join('\n'));
    await checkPage(page, 'office-forbidden');
    // The services refuse too, whatever the screens do.
    const token = await staffToken(CASHIER);
    assert.equal((await api('GET', '/staff', { token })).status, 403);
    assert.equal((await api('GET', '/reports/sales?location_id=2', { token })).status, 403);
    assertNoProblems(page);
  }));

test("the manager's dashboard follows a sale at a till within 2 s, without reloading", () =>
  withBrowser(async (browser) => {
    const page = await openPage(browser);
    await staffSignIn(page, MANAGER);
    await page.waitForURL(/\/gestion\/tableau-de-bord$/);
    const card = page.getByTestId('store-2');
    await card.waitFor();
    await page.locator('.chart-box canvas').waitFor();
    const transactions = async () => Number(plain(await card.getByTestId('transactions-today').textContent()));
    const before = await transactions();
    const revenueBefore = plain(await card.getByTestId('revenue-today').textContent());
    await checkPage(page, 'office-dashboard');

    let navigations = 0;
    page.on('framenavigated', () => navigations++);
    const cashier = await staffToken('cashier.plateau@comptoir.local');
    const sale = await sellAtTill(cashier, 2, 9, 3); // 3 × Café at Plateau Mont-Royal
    const took = await eventually(async () => (await transactions()) === before + 1, 2000, 'the new sale on the Plateau card');
    assert.notEqual(plain(await card.getByTestId('revenue-today').textContent()), revenueBefore);
    assert.equal(navigations, 0, 'the page reloaded');
    writeFileSync(join(ARTIFACTS, 'dashboard-latency.json'), `${JSON.stringify({ receipt: sale.receipt_number, shown_after_ms: took })}\n`);

    assertNoProblems(page);
  }));

test('the dashboard: chain totals, the five stores, the best sellers and the online shop; a shop purchase appears', () =>
  withBrowser(async (browser) =>
    withBrowser(async (shopperBrowser) => {
      const token = await staffToken(MANAGER);
      const page = await openPage(browser);
      await staffSignIn(page, MANAGER);
      await page.waitForURL(/\/gestion\/tableau-de-bord$/);
      await page.getByTestId('online').waitFor();
      await page.locator('table.list tbody tr').first().waitFor(); // the tills sold earlier in this run
      const before = await dashboardMatches(page, token);

      // The five stores, in order, each with its seven figures; no card for the logistics centre or head office.
      assert.deepEqual(
        before.shown.stores.map((c) => c.title),
        ['Vieux-Montréal', 'Plateau Mont-Royal', 'Quartier des Spectacles', 'Mile End', 'Westmount'],
      );
      assert.equal(await page.locator('[data-testid^="store-"]').count(), 5);
      for (const card of before.shown.stores) {
        assert.deepEqual(card.rows.map(([label]) => label), ['7 jours', 'Tendance (7 j)', 'Transactions', 'Panier moyen', 'Stock bas', 'Réappros en attente']);
      }
      // The chain's totals are the stores' and the online shop's together.
      const d = before.dashboard;
      const sum = (key, onlineKey = key) => d.stores.reduce((n, s) => n + s[key], 0) + d.online[onlineKey];
      assert.equal(before.shown.totals.today, money(sum('revenue_today_cents')));
      assert.equal(d.totals.revenue_7d_cents, sum('revenue_7d_cents'));
      assert.equal(d.totals.transactions_today, sum('transactions_today', 'orders_today'));
      assert.ok(d.totals.transactions_today >= 1, 'the tills sold earlier in this run');
      // The best sellers: ranked 1…n by sales.
      assert.ok(before.top.length >= 1 && before.top.length <= 5);
      assert.deepEqual(before.shown.top.map((r) => r[0]), before.top.map((_, i) => String(i + 1)));
      for (let i = 1; i < before.top.length; i++) assert.ok(before.top[i - 1].sales_cents >= before.top[i].sales_cents);

      // A shopper buys 2 × Jean (59,99 $) in the shop, in another browser: the online block counts it, live.
      let navigations = 0;
      page.on('framenavigated', () => navigations++);
      const order = await shopperBuys(shopperBrowser, 6, 2);
      assert.equal(order.subtotal, '119,98 $');
      const online = page.getByTestId('online');
      const field = (label) => online.locator('dt', { hasText: label }).locator('xpath=following-sibling::dd[1]');
      await eventually(
        async () => plain(await field('Commandes aujourd’hui').textContent()) === String(d.online.orders_today + 1),
        5000,
        'the online orders of today going up by one',
      );
      const after = await dashboardMatches(page, token);
      assert.equal(after.dashboard.online.orders_today, d.online.orders_today + 1);
      assert.equal(after.dashboard.online.open_orders, d.online.open_orders + 1);
      assert.equal(after.dashboard.totals.transactions_today, d.totals.transactions_today + 1);
      // Revenue is what receipts total, taxes included (reporting, as for the tills): 119,98 $ + TPS 6,00 $ +
      // TVQ 11,97 $ (119,98 × 9,975 % = 11,968 → 11,97) = 137,95 $.
      assert.equal(order.total, '137,95 $');
      assert.equal(after.dashboard.online.revenue_today_cents - d.online.revenue_today_cents, 13795);
      assert.equal(after.dashboard.totals.revenue_today_cents - d.totals.revenue_today_cents, 13795);
      assert.equal(after.shown.online.today, money(d.online.revenue_today_cents + 13795));
      assert.equal(navigations, 0, 'the page reloaded');
      await checkPage(page, 'office-dashboard-after-purchase');
      assertNoProblems(page);
    }),
  ));

test('a store files a restock request, logistics approves and ships it, the store receives it', () =>
  withBrowser(async (storeBrowser) =>
    withBrowser(async (logisticsBrowser) => {
      const admin = await staffToken(ADMIN);
      const before = await onHand(admin, 1, 16); // Ballon Football at Vieux-Montréal
      const centreBefore = await onHand(admin, 6, 16);

      const store = await openPage(storeBrowser);
      await staffSignIn(store, CASHIER);
      await store.getByRole('link', { name: 'Réapprovisionnement' }).click();
      await store.getByRole('heading', { name: 'Demandes de réapprovisionnement' }).waitFor();
      await store.getByLabel('Produit 1').selectOption({ label: 'Ballon Football' });
      await store.getByLabel('Quantité 1').fill('8');
      await store.getByLabel('Note').fill('Saison de soccer');
      await store.getByRole('button', { name: 'Envoyer la demande' }).click();
      const created = plain(await store.getByRole('status').filter({ hasText: 'envoyée' }).textContent());
      const id = Number(/n° (\d+)/.exec(created)?.[1]);
      assert.ok(id, created);
      await checkPage(store, 'office-restock-store');

      const logistics = await openPage(logisticsBrowser);
      await staffSignIn(logistics, LOGISTICS);
      await logistics.waitForURL(/reapprovisionnement$/);
      const request = logistics.getByTestId(`restock-${id}`);
      await request.waitFor();
      await request.getByLabel('Quantité approuvée de Ballon Football').fill('6');
      await checkPage(logistics, 'office-restock-logistics');
      await request.getByRole('button', { name: 'Approuver' }).click();
      await logistics.getByText(`Demande n° ${id} : Approuvée.`).waitFor();
      await request.getByRole('button', { name: 'Expédier' }).click();
      await logistics.getByText(`Demande n° ${id} : Expédiée.`).waitFor();
      assert.equal(await onHand(admin, 6, 16), centreBefore - 6);

      await store.reload();
      const mine = store.getByTestId(`restock-${id}`);
      await mine.getByRole('button', { name: 'Réceptionner' }).click();
      await store.getByText(`Demande n° ${id} : Reçue.`).waitFor();
      assert.equal(await onHand(admin, 1, 16), before + 6);
      assertNoProblems(store);
      assertNoProblems(logistics);
    }),
  ));

test('a manager creates a promotion, sees it listed, and withdraws it', () =>
  withBrowser(async (browser) => {
    const token = await staffToken(MANAGER);
    const page = await openPage(browser);
    await staffSignIn(page, MANAGER);
    await page.getByRole('navigation', { name: 'Menu de la gestion' }).getByRole('link', { name: 'Promotions' }).click();
    await page.getByRole('heading', { level: 1, name: 'Promotions' }).waitFor();
    await page.getByText('Nouvelle promotion').click();
    // It starts in 2099: it changes no price that another test of this run relies on.
    const name = `Miel -20 % ${Date.now() % 100000}`;
    await page.getByLabel('Nom', { exact: true }).fill(name);
    await page.getByLabel('Type').selectOption({ label: 'Pourcentage de rabais' });
    await page.getByLabel('Produits (n°, séparés par des virgules)').fill('12');
    await page.getByLabel('Rabais (%)').fill('20');
    await page.getByLabel('Début (AAAA-MM-JJ)').fill('demain');
    await page.getByLabel('Magasins (n°, séparés par des virgules)').fill('1, 4');
    await page.getByLabel('En ligne').check();
    await page.getByRole('button', { name: 'Créer la promotion' }).click();
    await page.getByText('Vérifiez les champs de la promotion.').waitFor(); // refused before anything is sent
    await page.getByLabel('Début (AAAA-MM-JJ)').fill('2099-01-01');
    await page.getByLabel('Fin (AAAA-MM-JJ, facultative)').fill('2099-01-31');
    await page.getByRole('button', { name: 'Créer la promotion' }).click();
    await page.getByText(`Promotion « ${name} » créée.`).waitFor();

    // Listed, with what it does, when, where; and product has it as typed.
    const row = page.getByTestId('promotion-row').filter({ hasText: name });
    const cells = async () => (await row.locator('th, td').allTextContents()).map(plain);
    const listed = ['Pourcentage de rabais : 20 % — #12', '2099-01-01 → 2099-01-31', '#1, #4 · En ligne'];
    assert.deepEqual(await cells(), [name, ...listed, 'Active', 'Retirer']);
    const all = await api('GET', '/promotions?status=all&per_page=100', { token });
    assert.equal(all.status, 200, all.text);
    const created = all.body.data.find((p) => p.name === name);
    assert.ok(created, all.text);
    assert.equal(created.kind, 'percent_off');
    assert.equal(created.percent, 20);
    assert.deepEqual(created.product_ids, [12]);
    assert.deepEqual(created.location_ids, [1, 4]);
    assert.equal(created.online, true);
    assert.match(created.starts_at, /^2099-01-01T00:00:00(\.0+)?Z$/);
    // Still there after a reload: the list is product's, not the screen's.
    await page.reload();
    await row.waitFor();
    assert.deepEqual(await cells(), [name, ...listed, 'Active', 'Retirer']);
    await checkPage(page, 'office-promotions');
    // At 375 px the list is one labelled card per promotion, like the other lists, not a table clipped in a
    // box that scrolls sideways (every column readable).
    await page.setViewportSize(VIEWPORTS.mobile);
    assert.equal(await row.evaluate((tr) => getComputedStyle(tr).display), 'block');
    const wrap = page.locator('.table-wrap').filter({ has: row });
    assert.ok(await wrap.evaluate((el) => el.scrollWidth - el.clientWidth <= 1), 'the promotions list scrolls sideways at 375 px');
    await page.setViewportSize(VIEWPORTS.desktop);

    page.once('dialog', (dialog) => dialog.accept());
    await row.getByRole('button', { name: `Retirer la promotion ${name}` }).click();
    await page.getByText(`« ${name} » est retirée.`).waitFor();
    assert.deepEqual(await cells(), [name, ...listed, 'Retirée', '']);
    const withdrawn = (await api('GET', '/promotions?status=all&per_page=100', { token })).body.data.find((p) => p.name === name);
    assert.equal(withdrawn.active, false);
    assertNoProblems(page);
  }));

test('a manager creates a product, changes its price and archives it; stock with the low-stock filter', () =>
  withBrowser(async (browser) => {
    const page = await openPage(browser);
    await staffSignIn(page, MANAGER);
    await page.getByRole('link', { name: 'Produits' }).click();
    await page.getByRole('heading', { name: 'Produits', level: 1 }).waitFor();
    await page.getByText('Nouveau produit').click();
    const sku = `ERABLE-${Date.now() % 100000}`;
    await page.getByLabel('Code (SKU)').fill(sku);
    await page.getByLabel('Nom', { exact: true }).fill("Sirop d'érable");
    await page.getByLabel('Prix', { exact: true }).fill('14,99');
    await page.getByLabel('Catégorie').selectOption({ label: 'Alimentation' });
    await page.getByRole('button', { name: 'Créer le produit' }).click();
    await page.getByText("Produit « Sirop d'érable » créé.").waitFor();
    const created = (await api('GET', `/products/by-sku/${sku}`)).body;
    assert.equal(created.price_cents, 1499);

    const row = page.getByRole('row', { name: new RegExp(sku) });
    await row.getByLabel("Nouveau prix de Sirop d'érable").fill('13,49');
    await row.getByRole('button', { name: 'Changer le prix' }).click();
    await page.getByText("Prix de « Sirop d'érable » changé : 13,49 $.").waitFor();
    assert.equal((await api('GET', `/products/${created.id}`)).body.price_cents, 1349);
    await checkPage(page, 'office-products');

    page.once('dialog', (d) => d.accept());
    await row.getByRole('button', { name: "Archiver Sirop d'érable" }).click();
    await page.getByText("« Sirop d'érable » est archivé.").waitFor();
    assert.equal((await api('GET', `/products/${created.id}`)).body.active, false);

    await page.getByRole('link', { name: 'Stock' }).click();
    await page.getByRole('heading', { name: 'Stock par emplacement' }).waitFor();
    await page.getByLabel('Emplacement').selectOption({ label: 'Vieux-Montréal' });
    await page.getByRole('row', { name: /Café/ }).waitFor();
    const all = await page.locator('tbody tr').count();
    await page.getByLabel('Stock bas seulement').check();
    await eventually(async () => (await page.locator('tbody tr').count()) < all || (await page.getByText('Aucune ligne de stock.').count()) > 0, 5000, 'the low-stock filter');
    for (const text of await page.locator('tbody tr').allTextContents()) assert.match(text, /Stock bas/);
    await checkPage(page, 'office-stock');
    assertNoProblems(page);
  }));

test('a receipt found by its number, shown with its barcode, as a copy, sent by e-mail; not to another store', () =>
  withBrowser(async (browser) => {
    const cashier = await staffToken(CASHIER);
    const sale = await sellAtTill(cashier, 1, 14, 1); // 1 × Plante Verte at Vieux-Montréal
    const page = await openPage(browser);
    await staffSignIn(page, CASHIER);
    await page.getByRole('link', { name: 'Ventes' }).click();
    const number = page.getByLabel('Numéro de reçu (ex. S4-000034)');
    await number.fill('pas un reçu');
    await page.getByRole('button', { name: 'Afficher' }).click();
    await page.getByText('Un numéro de reçu ressemble à S4-000034.').waitFor();
    await number.fill(sale.receipt_number);
    await page.getByRole('button', { name: 'Afficher' }).click();
    await page.getByRole('heading', { name: `Reçu ${sale.receipt_number}` }).waitFor();
    const receipt = page.getByTestId('receipt');
    await receipt.getByText('TPS : 123456789 RT0001').waitFor();
    await receipt.getByText('215, rue Saint-Paul Ouest').waitFor();
    await receipt.getByText('Plante Verte').waitFor();
    assert.equal(await receipt.locator(`svg[aria-label="Code 128 ${sale.receipt_number}"]`).count(), 1);
    assert.equal(await receipt.getByText('« COPIE » - DUPLICATA').count(), 0);
    await checkPage(page, 'office-receipt-print');

    await page.getByLabel('Copie (réimpression)').check();
    await receipt.getByText('« COPIE » - DUPLICATA').waitFor();
    await page.getByLabel('Envoyer le reçu par courriel à').fill('jean.dupont@example.com');
    await page.getByRole('button', { name: 'Envoyer' }).click();
    await page.getByText("Reçu mis en file d'envoi pour jean.dupont@example.com.").waitFor();
    const emails = await api('GET', `/sales/${sale.id}/receipt/emails`, { token: cashier });
    assert.equal(emails.status, 200, emails.text);
    assert.equal(emails.body.data.length, 1);
    assert.equal(emails.body.data[0].to, 'jean.dupont@example.com');
    assert.equal(emails.body.data[0].reprint, true);

    // Another store's cashier: no such receipt, in the API and on the page.
    const plateau = await staffToken('cashier.plateau@comptoir.local');
    assert.equal((await api('GET', `/receipts/${sale.receipt_number}?format=html`, { token: plateau })).status, 404);
    assertNoProblems(page);
    await withBrowser(async (theirs) => {
      const other = await openPage(theirs);
      await staffSignIn(other, 'cashier.plateau@comptoir.local');
      await other.goto(`${BASE}/gestion/recus/${sale.receipt_number}`);
      await other.getByRole('alert').first().waitFor();
      assert.equal(await other.getByTestId('receipt').count(), 0);
    });
  }));

test('a receipt and a partial return; online orders moved from paid to delivered', () =>
  withBrowser(async (browser) => {
    const cashier = await staffToken(CASHIER);
    const sale = await sellAtTill(cashier, 1, 10, 4); // 4 × Chocolat Noir
    // An online order, as a shopper would place it.
    const email = uniqueEmail('luc.bouchard');
    const shopper = (await api('POST', '/auth/register', { body: { email, password: 'un-mot-de-passe-solide', first_name: 'Luc', last_name: 'Bouchard' } })).body;
    const cart = (await api('GET', '/cart', { token: shopper.access_token })).body;
    await api('POST', `/carts/${cart.id}/items`, { token: shopper.access_token, body: { product_id: 5, quantity: 2 } });
    const order = await api('POST', '/checkout', {
      token: shopper.access_token,
      headers: { 'Idempotency-Key': crypto.randomUUID() },
      body: { cart_id: cart.id, shipping_address: { line1: '10 rue Principale', city: 'Québec', province: 'QC', postal_code: 'G1R 4P5' }, payment: { method: 'card', card_number: '4242424242424242' } },
    });
    assert.equal(order.status, 201, order.text);

    const page = await openPage(browser);
    await staffSignIn(page, MANAGER);
    await page.getByRole('link', { name: 'Ventes' }).click();
    await page.getByRole('link', { name: `Voir le reçu ${sale.receipt_number}` }).click();
    await page.getByRole('heading', { name: `Reçu ${sale.receipt_number}` }).waitFor();
    await page.getByLabel('Quantité retournée de Chocolat Noir').fill('1');
    await page.getByLabel('Motif du retour').fill('Emballage abîmé');
    await page.getByRole('button', { name: 'Enregistrer le retour' }).click();
    await page.getByText('Retour enregistré : 5,74 $ remboursé.').waitFor();
    await page.getByRole('heading', { name: 'Retours déjà faits' }).waitFor();
    await checkPage(page, 'office-receipt');

    await page.getByRole('link', { name: 'Commandes en ligne' }).click();
    const row = page.getByTestId(`order-${order.body.number}`);
    for (const [button, status] of [
      ['Passer à « En préparation »', 'En préparation'],
      ['Passer à « Expédiée »', 'Expédiée'],
      ['Passer à « Livrée »', 'Livrée'],
    ]) {
      await row.getByRole('button', { name: button }).click();
      await page.getByText(`Commande ${order.body.number} : ${status}.`).waitFor();
    }
    assert.equal((await api('GET', `/orders/${order.body.id}`, { token: shopper.access_token })).body.status, 'delivered');
    await checkPage(page, 'office-orders');
    assertNoProblems(page);
  }));

test('an admin creates, disables, re-enables and resets a cashier, who sets and then changes their password', () =>
  withBrowser(async (browser) =>
    withBrowser(async (cashierBrowser) => {
      const page = await openPage(browser);
      await staffSignIn(page, ADMIN);
      await page.getByRole('link', { name: 'Personnel' }).click();
      await page.getByRole('heading', { name: 'Comptes du personnel' }).waitFor();
      await page.getByText('Nouveau compte').click();
      const email = uniqueEmail('nadia.cote').replace('@example.com', '@comptoir.local');
      await page.getByLabel('Prénom').fill('Nadia');
      await page.getByLabel('Nom', { exact: true }).fill('Côté');
      await page.getByLabel('Courriel', { exact: true }).fill(email);
      await page.getByLabel('Mot de passe initial').fill('un-mot-de-passe-solide');
      await page.getByLabel('Rôle', { exact: true }).selectOption({ label: 'Caissier·ère' });
      await page.getByLabel('Magasin', { exact: true }).selectOption({ label: 'Mile End' });
      await page.getByRole('button', { name: 'Créer le compte' }).click();
      await page.getByText(`Compte ${email} créé.`).waitFor();
      const row = page.getByRole('row').filter({ hasText: email });
      await row.waitFor();
      const signIn = (password) => api('POST', '/auth/staff/login', { body: { email, password } });
      const first = await signIn('un-mot-de-passe-solide');
      assert.equal(first.status, 200, first.text);
      const me = await api('GET', '/staff/me', { token: first.body.access_token });
      assert.equal(me.body.role, 'cashier');
      assert.equal(me.body.location_id, 4);

      // Disabled: refused at sign-in; enabled again: let in.
      await row.getByRole('button', { name: 'Désactiver' }).click();
      await page.getByText(`Compte ${email} mis à jour.`).waitFor();
      assert.match(plain(await row.textContent()), /Désactivé/);
      const refused = await signIn('un-mot-de-passe-solide');
      assert.equal(refused.status, 403, refused.text);
      assert.equal(refused.body.code, 'auth.account_disabled');
      await checkPage(page, 'office-staff');
      await row.getByRole('button', { name: 'Réactiver' }).click();
      await eventually(async () => /Actif/.test(plain(await row.textContent())), 5000, 'the account active again');
      assert.equal((await signIn('un-mot-de-passe-solide')).status, 200);

      // An admin reset: the old password stops working; the code sets a new one on the sign-in page.
      await row.getByRole('button', { name: 'Réinitialiser le mot de passe' }).click();
      const note = plain(await page.getByRole('status').filter({ hasText: 'Code à lui remettre' }).textContent());
      const code = /Code à lui remettre : (\S+) /.exec(note)?.[1];
      assert.ok(code, note);
      assert.equal((await signIn('un-mot-de-passe-solide')).status, 401);

      const cashier = await openPage(cashierBrowser);
      await cashier.goto('/gestion');
      await cashier.getByText('J’ai reçu un code de réinitialisation').click();
      await cashier.getByLabel('Code de réinitialisation').fill(code);
      await cashier.getByLabel('Nouveau mot de passe').fill('nouveau-mot-de-passe-1');
      await cashier.getByRole('button', { name: 'Définir mon mot de passe' }).click();
      await cashier.getByText('Mot de passe défini : connectez-vous avec le nouveau.').waitFor();
      await checkPage(cashier, 'office-signin');
      await cashier.getByLabel('Adresse courriel').fill(email);
      await cashier.getByLabel('Mot de passe', { exact: true }).fill('nouveau-mot-de-passe-1');
      await cashier.getByRole('button', { name: 'Se connecter' }).click();
      await cashier.getByText('Nadia Côté — Caissier·ère').waitFor();

      // Their own change: the session ends, the new password is the one that works.
      await cashier.getByRole('link', { name: 'Mot de passe' }).click();
      await cashier.getByRole('heading', { level: 1, name: 'Changer mon mot de passe' }).waitFor();
      await checkPage(cashier, 'office-password');
      await cashier.getByLabel('Mot de passe actuel').fill('nouveau-mot-de-passe-1');
      await cashier.getByLabel('Nouveau mot de passe').fill('encore-un-autre-2');
      await cashier.getByRole('button', { name: 'Changer le mot de passe' }).click();
      await cashier.getByText('Mot de passe changé : connectez-vous avec le nouveau.').waitFor();
      assert.equal((await signIn('nouveau-mot-de-passe-1')).status, 401);
      assert.equal((await signIn('encore-un-autre-2')).status, 200);
      assertNoProblems(page);
      assertNoProblems(cashier);
    }),
  ));

test("registers: a store's Z reports and the X of an open session; head office sees every store", () =>
  withBrowser(async (browser) =>
    withBrowser(async (headOffice) => {
    // A session of Vieux-Montréal (store 1) worked and closed at a till through the API, and one left open.
    const cashier = await staffToken(CASHIER);
    const register = `web-${Date.now() % 100000}`;
    const open = async (name) => {
      const r = await api('POST', '/register-sessions', {
        token: cashier,
        body: { location_id: 1, register: name, opening_float_cents: 10000 },
      });
      assert.equal(r.status, 201, r.text);
      return r.body.id;
    };
    const closedId = await open(register);
    const move = async (id, body) => {
      const r = await api('POST', `/register-sessions/${id}/movements`, {
        token: cashier,
        headers: { 'Idempotency-Key': crypto.randomUUID() },
        body,
      });
      assert.equal(r.status, 201, r.text);
    };
    await move(closedId, { kind: 'drop', amount_cents: 3000 });
    await move(closedId, { kind: 'no_sale', reason: 'Monnaie' });
    const closed = await api('POST', `/register-sessions/${closedId}/close`, { token: cashier, body: { counted_cash_cents: 6995 } });
    assert.equal(closed.status, 200, closed.text);
    const z = closed.body.z_number;
    const again = await api('POST', `/register-sessions/${closedId}/close`, { token: cashier, body: { counted_cash_cents: 6995 } });
    assert.equal(again.status, 409, again.text);
    const openId = await open(`${register}-b`);
    await move(openId, { kind: 'payout', amount_cents: 1250, reason: 'Timbres' });

    const page = await openPage(browser);
    await staffSignIn(page, CASHIER);
    await page.getByRole('link', { name: 'Caisses' }).click();
    await page.getByRole('heading', { name: 'Caisses et rapports X / Z' }).waitFor();
    await page.getByRole('button', { name: `Rapport Z n° ${z}` }).first().waitFor();
    await page.locator('tbody th[scope=row]', { hasText: 'Vieux-Montréal' }).first().waitFor(); // the stores' names, loaded apart
    // Their store only: the store is fixed, and the rows are Vieux-Montréal's.
    assert.equal(await page.getByLabel('Magasin').isDisabled(), true);
    const stores = new Set((await page.locator('tbody th[scope=row]').allTextContents()).map(plain));
    assert.deepEqual([...stores], ['Vieux-Montréal']);
    const row = page.locator('tr', { hasText: register }).filter({ hasText: 'Fermée' });
    await row.getByRole('button').click();
    const report = page.getByRole('region', { name: `Rapport Z n° ${z} — caisse ${register}` });
    await report.waitFor();
    const text = plain(await report.innerText());
    for (const expected of ['Dépôts au coffre (1) 30,00 $', 'Ouvertures sans vente 1', 'Comptant attendu 70,00 $', 'Comptant compté 69,95 $', 'Manque -0,05 $']) {
      assert.ok(text.includes(expected), `${expected} in\n${text}`);
    }
    await page.locator('tr', { hasText: `${register}-b` }).getByRole('button', { name: `Rapport X de la caisse ${register}-b` }).click();
    const x = page.getByRole('region', { name: `Rapport X — caisse ${register}-b` });
    await x.waitFor();
    const xText = plain(await x.innerText());
    assert.ok(xText.includes('Sorties de caisse (1) 12,50 $'), xText);
    assert.ok(xText.includes('Comptant attendu 87,50 $'), xText);
    assert.ok(!xText.includes('Comptant compté'), xText);
    await checkPage(page, 'office-registers');

    // Head office: every store, and the same Z.
    const manager = await openPage(headOffice);
    await staffSignIn(manager, MANAGER);
    await manager.goto('/gestion/caisses');
    await manager.getByRole('heading', { name: 'Caisses et rapports X / Z' }).waitFor();
    assert.equal(await manager.getByLabel('Magasin').isDisabled(), false);
    await manager.locator('tr', { hasText: register }).filter({ hasText: 'Fermée' }).getByRole('button').click();
    await manager.getByRole('region', { name: `Rapport Z n° ${z} — caisse ${register}` }).waitFor();
    assertNoProblems(page);
    assertNoProblems(manager);
  })));

test('a manager issues a gift card shown once; a cashier checks its balance; a wrong PIN is refused in French', () =>
  withBrowser(async (browser) => {
    const manager = await openPage(browser);
    await staffSignIn(manager, MANAGER);
    await manager.getByRole('link', { name: 'Cartes-cadeaux' }).click();
    await manager.getByRole('heading', { level: 1, name: 'Cartes-cadeaux' }).waitFor();
    // Too much, then text: refused before anything is sent.
    for (const bad of ['5000,01', 'cinquante']) {
      await manager.getByLabel('Montant chargé').fill(bad);
      await manager.getByRole('button', { name: 'Émettre la carte' }).click();
      await manager.getByText('Montant invalide : de 0,00 $ à 5 000,00 $.').waitFor();
    }
    await manager.getByLabel('Montant chargé').fill('50');
    await manager.getByRole('button', { name: 'Émettre la carte' }).click();
    await manager.getByText('Carte émise, chargée de 50,00 $.').waitFor();
    const code = plain(await manager.getByTestId('issued-code').textContent());
    const pin = plain(await manager.getByTestId('issued-pin').textContent());
    assert.match(pin, /^\d{6}$/);
    await checkPage(manager, 'office-gift-cards');
    // Shown once: after a reload no PIN is on the screen.
    await manager.reload();
    await manager.getByRole('heading', { level: 1, name: 'Cartes-cadeaux' }).waitFor();
    assert.equal(await manager.getByTestId('issued-pin').count(), 0);
    assertNoProblems(manager);

    // A cashier, at another browser, checks the balance with the code and the PIN; issuing is not theirs.
    await withBrowser(async (till) => {
    const cashier = await openPage(till);
    await staffSignIn(cashier, CASHIER);
    await cashier.getByRole('link', { name: 'Cartes-cadeaux' }).click();
    await cashier.getByRole('heading', { level: 1, name: 'Cartes-cadeaux' }).waitFor();
    assert.equal(await cashier.getByRole('button', { name: 'Émettre la carte' }).count(), 0);
    await cashier.getByLabel('Code de la carte').fill(code);
    await cashier.getByLabel('NIP').fill(pin);
    await cashier.getByRole('button', { name: 'Vérifier' }).click();
    await cashier.getByText('Solde : 50,00 $').waitFor();
    assert.equal(plain(await cashier.getByTestId('gift-card-balance').textContent()), '50,00 $');
    assert.equal(await cashier.getByLabel('NIP').inputValue(), ''); // the PIN is not left on the screen
    // A wrong PIN: refused in French, no balance shown.
    await cashier.getByLabel('NIP').fill(pin === '000000' ? '111111' : '000000');
    await cashier.getByRole('button', { name: 'Vérifier' }).click();
    await cashier.getByText(/Carte refusée : code ou NIP incorrect/).waitFor();
    assert.equal(await cashier.getByTestId('gift-card-balance').count(), 0);
    // The service refuses a cashier's issuing, whatever the screen shows.
    const token = await staffToken(CASHIER);
    assert.equal((await api('POST', '/gift-cards', { token, body: { balance_cents: 5000 } })).status, 403);
    assertNoProblems(cashier);
    });
  }));
