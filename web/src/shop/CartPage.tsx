import { useEffect, useState } from 'preact/hooks';
import { shopper } from '../api/session';
import type { Cart } from '../api/types';
import { money } from '../format';
import { navigate } from '../router';
import { errorMessage, t } from '../strings';
import { Failure, Loading, Status, usePageTitle } from '../ui/components';
import { cart, loadCart, removeLine, setQuantity } from './cart-state';

export function Totals({
  value,
  shippingCents,
  cart: priced,
}: {
  value: Pick<Cart, 'subtotal_cents' | 'gst_cents' | 'qst_cents' | 'total_cents'>;
  shippingCents?: number;
  /** The cart's promotions, discount and amounts per tax class (ADR 0140, 0141), when known. */
  cart?: Pick<Cart, 'promotions' | 'discount_cents' | 'zero_rated_cents' | 'exempt_cents'>;
}) {
  const promotions = priced?.promotions ?? [];
  const untaxed = (priced?.zero_rated_cents ?? 0) + (priced?.exempt_cents ?? 0);
  // The sum of the discounts only when it says more than the one promotion above it (two promotions, or a
  // discount that is not a promotion's): the same amount twice reads as two discounts.
  const discount = priced?.discount_cents ?? 0;
  const fromPromotions = promotions.reduce((sum, p) => sum + p.amount_cents, 0);
  const showDiscountTotal = discount > 0 && (promotions.length > 1 || discount !== fromPromotions);
  return (
    <dl class="totals">
      {promotions.map((p) => (
        <div key={p.id} data-testid="promotion">
          <dt>{p.name}</dt>
          <dd>{money(-p.amount_cents)}</dd>
        </div>
      ))}
      {showDiscountTotal && (
        <div>
          <dt>{t.cart.discount}</dt>
          <dd data-testid="discount">{money(-discount)}</dd>
        </div>
      )}
      <div>
        <dt>{t.cart.subtotal}</dt>
        <dd data-testid="subtotal">{money(value.subtotal_cents)}</dd>
      </div>
      {shippingCents !== undefined && (
        <div>
          <dt>{t.cart.shipping}</dt>
          <dd data-testid="shipping">{money(shippingCents)}</dd>
        </div>
      )}
      {untaxed > 0 && (
        <div>
          <dt>{t.cart.untaxed}</dt>
          <dd data-testid="untaxed">{money(untaxed)}</dd>
        </div>
      )}
      <div>
        <dt>{t.cart.gst}</dt>
        <dd data-testid="gst">{money(value.gst_cents)}</dd>
      </div>
      <div>
        <dt>{t.cart.qst}</dt>
        <dd data-testid="qst">{money(value.qst_cents)}</dd>
      </div>
      <div class="grand">
        <dt>{t.cart.total}</dt>
        <dd data-testid="total">{money(value.total_cents)}</dd>
      </div>
    </dl>
  );
}

export function CartPage() {
  usePageTitle(`${t.cart.title} — ${t.brand}`);
  const [error, setError] = useState<unknown>(null);
  const [loaded, setLoaded] = useState(false);
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  const load = () => {
    setError(null);
    loadCart().then(
      () => setLoaded(true),
      (e) => setError(e),
    );
  };
  useEffect(load, []);

  const change = async (work: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await work();
      setStatus({ text: t.cart.updated, error: false });
    } catch (e) {
      setStatus({ text: errorMessage(e), error: true });
    } finally {
      setBusy(false);
    }
  };

  const c = cart.value;
  if (error && !c) return <Failure error={error} onRetry={load} />;
  if (!loaded && !c) return <Loading />;

  return (
    <section class="cart-page" aria-labelledby="cart-title">
      <h1 id="cart-title">{t.cart.title}</h1>
      <Status text={status?.text ?? null} error={status?.error} />
      {!c || c.items.length === 0 ? (
        <>
          <p>{t.cart.empty}</p>
          <p>
            <a class="button" href="/">
              {t.cart.continue}
            </a>
          </p>
        </>
      ) : (
        <div class="cart-layout">
          <table class="lines">
            <caption class="visually-hidden">{t.cart.title}</caption>
            <thead>
              <tr>
                <th scope="col">{t.cart.product}</th>
                <th scope="col" class="num">
                  {t.cart.unitPrice}
                </th>
                <th scope="col">{t.cart.quantity}</th>
                <th scope="col" class="num">
                  {t.cart.lineTotal}
                </th>
                <th scope="col">
                  <span class="visually-hidden">{t.cart.remove}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {c.items.map((line) => (
                <tr key={line.product_id}>
                  <th scope="row" data-label={t.cart.product}>
                    <a href={`/produits/${line.product_id}`}>{line.name}</a>
                    {line.tax_class && line.tax_class !== 'taxable' && <span class="badge"> {t.cart.zeroRated}</span>}
                    {(line.discounts ?? []).map((d) => (
                      <div class="discount" key={d.label}>
                        {d.label} : {money(-d.amount_cents)}
                      </div>
                    ))}
                  </th>
                  <td class="num" data-label={t.cart.unitPrice}>
                    {money(line.unit_price_cents)}
                  </td>
                  <td data-label={t.cart.quantity}>
                    <QuantityControl
                      name={line.name}
                      quantity={line.quantity}
                      disabled={busy}
                      onChange={(q) => change(() => setQuantity(line.product_id, q))}
                    />
                  </td>
                  <td class="num" data-label={t.cart.lineTotal}>
                    {money(line.line_total_cents)}
                  </td>
                  <td>
                    <button
                      type="button"
                      class="button link danger"
                      disabled={busy}
                      aria-label={t.cart.removeNamed(line.name)}
                      onClick={() => change(() => removeLine(line.product_id))}
                    >
                      {t.cart.remove}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <aside class="summary" aria-labelledby="summary-title">
            <h2 id="summary-title">{t.cart.summary}</h2>
            <Totals value={c} cart={c} />
            <button
              type="button"
              class="button wide"
              onClick={() => navigate(shopper.signedIn.value ? '/paiement' : '/connexion?retour=/paiement')}
            >
              {t.cart.checkout}
            </button>
          </aside>
        </div>
      )}
    </section>
  );
}

function QuantityControl({ name, quantity, disabled, onChange }: { name: string; quantity: number; disabled: boolean; onChange: (q: number) => void }) {
  const [text, setText] = useState(String(quantity));
  useEffect(() => setText(String(quantity)), [quantity]);
  const commit = () => {
    const n = Number(text);
    if (Number.isInteger(n) && n >= 0 && n <= 999 && n !== quantity) onChange(n);
    else setText(String(quantity));
  };
  return (
    <div class="quantity">
      <button type="button" class="button secondary small" disabled={disabled || quantity <= 1} onClick={() => onChange(quantity - 1)}>
        <span aria-hidden="true">−</span>
        <span class="visually-hidden">{t.cart.decrease(name)}</span>
      </button>
      <input
        type="number"
        inputMode="numeric"
        min={0}
        max={999}
        value={text}
        aria-label={t.cart.quantityOf(name)}
        onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
      <button type="button" class="button secondary small" disabled={disabled} onClick={() => onChange(quantity + 1)}>
        <span aria-hidden="true">+</span>
        <span class="visually-hidden">{t.cart.increase(name)}</span>
      </button>
    </div>
  );
}
