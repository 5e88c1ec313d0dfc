// Issue 15 in Chromium against a real platform: a transfer between two stores from request to receipt (stock
// leaves the source at shipping, arrives at receipt), a cycle count posted with its variance report, and
// barcodes on the product form (a wrong check digit said at once, a right one saved); axe and 375 px.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api, assertNoProblems, checkPage, openPage, plain, staffSignIn, staffToken, withBrowser } from './helpers.mjs';

const VMTL = 'cashier.vieux-montreal@comptoir.local'; // store 1
const PLATEAU = 'cashier.plateau@comptoir.local'; // store 2
const MANAGER = 'manager@comptoir.local';
const LOGISTICS = 'logistics@comptoir.local';

async function onHand(token, location, product) {
  const r = await api('GET', `/inventory?location_id=${location}&product_id=${product}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.body.data[0]?.on_hand ?? 0;
}

test('Vieux-Montréal asks the Plateau for jeans; logistics approves, the Plateau ships, Vieux-Montréal receives', () =>
  withBrowser(async (a) =>
    withBrowser(async (b) =>
      withBrowser(async (c) => {
      const manager = await staffToken(MANAGER);
      const plateauBefore = await onHand(manager, 2, 6);
      const vmtlBefore = await onHand(manager, 1, 6);

      const vmtl = await openPage(a);
      await staffSignIn(vmtl, VMTL);
      await vmtl.getByRole('link', { name: 'Transferts' }).click();
      await vmtl.getByRole('heading', { name: 'Transferts entre magasins' }).waitFor();
      await vmtl.getByLabel('Magasin qui envoie').selectOption({ label: 'Plateau Mont-Royal' });
      await vmtl.getByLabel('Produit 1').selectOption({ label: 'Jean' });
      await vmtl.getByLabel('Quantité 1').fill('3');
      await vmtl.getByRole('button', { name: 'Demander le transfert' }).click();
      const created = plain(await vmtl.getByRole('status').filter({ hasText: 'demandé' }).textContent());
      const id = Number(/n° (\d+)/.exec(created)?.[1]);
      assert.ok(id, created);
      await checkPage(vmtl, 'office-transfer-store');

      const logistics = await openPage(b);
      await staffSignIn(logistics, LOGISTICS);
      await logistics.getByRole('link', { name: 'Transferts' }).click();
      const card = logistics.getByTestId(`transfer-${id}`);
      await card.getByLabel('Quantité approuvée de Jean').fill('2');
      await card.getByRole('button', { name: 'Approuver' }).click();
      await logistics.getByText(`Transfert n° ${id} : Approuvée.`).waitFor();
      assert.equal(await onHand(manager, 2, 6), plateauBefore); // approval moves nothing

      // The Plateau's cashier ships: the jeans leave the Plateau and are in transit.
      const plateau = await openPage(c); // a browser of its own: each one keeps one staff session
      await staffSignIn(plateau, PLATEAU);
      await plateau.goto('/gestion/transferts');
      await plateau.getByTestId(`transfer-${id}`).getByRole('button', { name: 'Expédier' }).click();
      await plateau.getByText(`Transfert n° ${id} : En transit.`).waitFor();
      assert.equal(await onHand(manager, 2, 6), plateauBefore - 2);
      assert.equal(await onHand(manager, 1, 6), vmtlBefore);

      await vmtl.reload();
      await vmtl.getByTestId(`transfer-${id}`).getByRole('button', { name: 'Réceptionner' }).click();
      await vmtl.getByText(`Transfert n° ${id} : Reçue.`).waitFor();
      assert.equal(await onHand(manager, 1, 6), vmtlBefore + 2);
      // The Plateau's cashier cannot receive it again, whatever a screen shows.
      const again = await api('POST', `/inventory/transfers/${id}/receive`, { token: await staffToken(PLATEAU) });
      assert.equal(again.status, 403, again.text);
      assertNoProblems(vmtl);
      assertNoProblems(logistics);
      assertNoProblems(plateau);
    })),
  ));

test('a manager counts two products at Quartier des Spectacles and posts the sheet with its variance report', () =>
  withBrowser(async (browser) => {
    const manager = await staffToken(MANAGER);
    const cafe = await onHand(manager, 3, 9);
    const miel = await onHand(manager, 3, 12);
    const page = await openPage(browser);
    await staffSignIn(page, MANAGER);
    await page.getByRole('link', { name: 'Inventaires' }).click();
    await page.getByRole('heading', { name: 'Inventaires tournants' }).waitFor();
    await page.getByText('Ouvrir une feuille de comptage').click();
    await page.getByLabel('Emplacement').selectOption({ label: 'Quartier des Spectacles' });
    await page.getByLabel('Produits à compter').fill('9 12');
    await page.getByRole('button', { name: 'Ouvrir la feuille' }).click();
    const opened = plain(await page.getByRole('status').filter({ hasText: 'ouverte' }).textContent());
    const id = Number(/n° (\d+)/.exec(opened)?.[1]);
    assert.ok(id, opened);
    const sheet = page.getByTestId(`count-${id}`);
    await sheet.getByLabel('Quantité comptée de Café').fill(String(cafe - 1));
    await sheet.getByLabel('Quantité comptée de Miel').fill(String(miel));
    await sheet.getByRole('button', { name: 'Enregistrer le comptage' }).click();
    await page.getByText(`Comptage enregistré (feuille n° ${id}).`).waitFor();
    await checkPage(page, 'office-count-open');
    page.once('dialog', (d) => d.accept());
    await sheet.getByRole('button', { name: 'Comptabiliser' }).click();
    await page.getByText(`Feuille n° ${id} comptabilisée.`).waitFor();
    const report = page.getByTestId(`variance-${id}`);
    await report.waitFor();
    assert.match(plain(await report.textContent()), /Manquant : 1 \(12,99 \$\)/);
    assert.equal(await onHand(manager, 3, 9), cafe - 1);
    assert.equal(await onHand(manager, 3, 12), miel);
    await checkPage(page, 'office-count-posted');
    // A cashier has no count screen, and inventory refuses them too.
    const cashier = await staffToken(VMTL);
    assert.equal((await api('GET', '/inventory/counts', { token: cashier })).status, 403);
    assertNoProblems(page);
  }));

test('the product form checks a barcode and saves a right one', () =>
  withBrowser(async (browser) => {
    const page = await openPage(browser);
    await staffSignIn(page, MANAGER);
    await page.goto('/gestion/produits');
    await page.getByRole('heading', { name: 'Produits' }).waitFor();
    const field = page.getByLabel('Code-barres de Lampe LED');
    await field.fill('4006381333932');
    await field.press('Enter');
    await page.getByText('Code-barres invalide : le chiffre de contrôle devrait être 1.').waitFor();
    await field.fill('4006381333931');
    await field.press('Enter');
    await page.getByText('Code-barres de « Lampe LED » : 4006381333931.').waitFor();
    const scan = await api('GET', '/products/by-barcode/4006381333931');
    assert.equal(scan.status, 200, scan.text);
    assert.equal(scan.body.product.name, 'Lampe LED');
    await checkPage(page, 'office-products-barcode');
    assertNoProblems(page);
  }));
