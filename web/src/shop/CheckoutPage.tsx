import { useEffect, useRef, useState } from 'preact/hooks';
import { newKey } from '../api/client';
import { account, orders } from '../api/shop';
import type { AddressInput, CheckoutRequest, ShippingAddress } from '../api/types';
import { money } from '../format';
import { navigate } from '../router';
import { errorMessage, t } from '../strings';
import { Failure, Field, Loading, Message, useAsync, usePageTitle } from '../ui/components';
import { cart, loadCart } from './cart-state';
import { Totals } from './CartPage';
import { FREE_SHIPPING_FROM_CENTS, quote } from './quote';

const NEW = 'new';

export function CheckoutPage() {
  usePageTitle(`${t.checkout.title} — ${t.brand}`);
  const addresses = useAsync(() => account.addresses().then((p) => p.data.filter((a) => a.type === 'delivery')), []);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [choice, setChoice] = useState<string>('');
  const [address, setAddress] = useState<ShippingAddress>({ line1: '', city: '', province: 'QC', postal_code: '' });
  const [save, setSave] = useState(true);
  const [card, setCard] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // One key per attempt (body): a second click while the first is in flight is the same checkout.
  const attempt = useRef<{ body: string; key: string } | null>(null);

  useEffect(() => {
    loadCart().catch(setLoadError);
  }, []);
  useEffect(() => {
    if (addresses.data && !choice) {
      const def = addresses.data.find((a) => a.is_default) ?? addresses.data[0];
      setChoice(def ? String(def.id) : NEW);
    }
  }, [addresses.data]);

  const c = cart.value;
  if (loadError && !c) return <Failure error={loadError} />;
  if (!c || addresses.loading) return <Loading />;
  if (c.items.length === 0) {
    return (
      <section>
        <h1>{t.checkout.title}</h1>
        <p>{t.checkout.emptyCart}</p>
        <a class="button" href="/">
          {t.cart.continue}
        </a>
      </section>
    );
  }

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const digits = card.replace(/[\s-]/g, '');
    if (!/^\d{12,19}$/.test(digits)) {
      setError(`${t.errors.validation} (${t.checkout.cardNumber})`);
      return;
    }
    setBusy(true);
    try {
      const body: CheckoutRequest = { cart_id: c.id, payment: { method: 'card', card_number: digits } };
      if (choice === NEW) {
        const trimmed = { ...address, line1: address.line1.trim(), city: address.city.trim(), postal_code: address.postal_code.trim() };
        if (save) {
          const input: AddressInput = { type: 'delivery', ...trimmed };
          const saved = await account.addAddress(input);
          addresses.reload();
          setChoice(String(saved.id));
          body.address_id = saved.id;
        } else {
          body.shipping_address = trimmed;
        }
      } else {
        body.address_id = Number(choice);
      }
      const text = JSON.stringify(body);
      if (attempt.current?.body !== text) attempt.current = { body: text, key: newKey() };
      const order = await orders.checkout(body, attempt.current.key);
      attempt.current = null;
      cart.value = null;
      navigate(`/commandes/${encodeURIComponent(order.id)}?confirmee=1`, { replace: true });
    } catch (err) {
      // The attempt failed as a whole (declined, timed out): a new attempt gets a new key.
      attempt.current = null;
      setError(errorMessage(err));
      setBusy(false);
      loadCart().catch(() => undefined);
    }
  };

  const setField = (k: keyof ShippingAddress) => (v: string) => setAddress({ ...address, [k]: v });
  const saved = addresses.data ?? [];
  const due = quote(c);

  return (
    <section class="checkout" aria-labelledby="checkout-title">
      <h1 id="checkout-title">{t.checkout.title}</h1>
      <div class="cart-layout">
        <form onSubmit={submit} noValidate class="checkout-form">
          <fieldset>
            <legend>{t.checkout.address}</legend>
            {saved.map((a) => (
              <label key={a.id} class="choice">
                <input type="radio" name="address" value={String(a.id)} checked={choice === String(a.id)} onChange={() => setChoice(String(a.id))} />
                <span>
                  {a.line1}, {a.city} ({a.province}) {a.postal_code}
                </span>
              </label>
            ))}
            <label class="choice">
              <input type="radio" name="address" value={NEW} checked={choice === NEW} onChange={() => setChoice(NEW)} />
              <span>{t.checkout.newAddress}</span>
            </label>
            {choice === NEW && (
              <div class="address-fields">
                <Field label={t.checkout.line1} autoComplete="address-line1" required value={address.line1} onValue={setField('line1')} />
                <Field label={t.checkout.city} autoComplete="address-level2" required value={address.city} onValue={setField('city')} />
                <Field label={t.checkout.province} value="QC" onValue={() => undefined} readOnly hint={t.checkout.quebecOnly} />
                <Field label={t.checkout.postalCode} autoComplete="postal-code" required value={address.postal_code} onValue={setField('postal_code')} />
                <label class="choice">
                  <input type="checkbox" checked={save} onChange={(e) => setSave((e.currentTarget as HTMLInputElement).checked)} />
                  <span>{t.checkout.saveAddress}</span>
                </label>
              </div>
            )}
          </fieldset>
          <fieldset>
            <legend>{t.checkout.payment}</legend>
            <Field
              label={t.checkout.cardNumber}
              inputMode="numeric"
              autoComplete="cc-number"
              required
              hint={t.checkout.cardHint}
              value={card}
              onValue={setCard}
            />
          </fieldset>
          <Message kind="error">{error}</Message>
          <button type="submit" class="button wide" disabled={busy}>
            {busy ? t.checkout.paying : t.checkout.pay(money(due.total_cents))}
          </button>
        </form>
        <aside class="summary" aria-labelledby="checkout-summary">
          <h2 id="checkout-summary">{t.cart.summary}</h2>
          <ul class="plain">
            {c.items.map((l) => (
              <li key={l.product_id}>
                {l.quantity} × {l.name} — {money(l.line_total_cents)}
              </li>
            ))}
          </ul>
          <Totals value={due} shippingCents={due.shipping_cents} cart={c} />
          <p class="hint">{t.checkout.freeShipping(money(FREE_SHIPPING_FROM_CENTS))}</p>
        </aside>
      </div>
    </section>
  );
}
