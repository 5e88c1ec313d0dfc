import { useState } from 'preact/hooks';
import { catalogue } from '../api/shop';
import { money } from '../format';
import { errorMessage, t } from '../strings';
import { Failure, Loading, Status, useAsync, usePageTitle } from '../ui/components';
import { addToCart } from './cart-state';
import { categoryName, useCategories } from './Catalogue';

export function ProductPage({ id }: { id: number }) {
  const product = useAsync(() => catalogue.product(id), [id]);
  const categories = useCategories();
  const [quantity, setQuantity] = useState('1');
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const p = product.data;
  usePageTitle(`${p?.name ?? t.loading} — ${t.brand}`);

  if (product.error) {
    const gone = (product.error as { status?: number }).status === 404;
    return (
      <section>
        <h1>{gone ? t.notFoundTitle : t.brand}</h1>
        {gone ? <p>{t.shop.productNotFound}</p> : <Failure error={product.error} onRetry={product.reload} />}
        <p>
          <a href="/">{t.shop.backToCatalogue}</a>
        </p>
      </section>
    );
  }
  if (!p) return <Loading />;
  const unavailable = !p.active;

  const submit = async (e: Event) => {
    e.preventDefault();
    const n = Number(quantity);
    if (!Number.isInteger(n) || n < 1 || n > 999) {
      setStatus({ text: t.errors.validation, error: true });
      return;
    }
    setBusy(true);
    try {
      await addToCart(p.id, n);
      setStatus({ text: t.shop.added(p.name, n), error: false });
    } catch (err) {
      setStatus({ text: errorMessage(err), error: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <article class="product-page">
      <p>
        <a href="/">{t.shop.backToCatalogue}</a>
      </p>
      <h1>{p.name}</h1>
      <p class="price big">{money(p.price_cents)}</p>
      {p.description && <p class="description">{p.description}</p>}
      <dl class="facts">
        <dt>{t.shop.sku}</dt>
        <dd>{p.sku}</dd>
        {categoryName(categories.data, p.category_id) && (
          <>
            <dt>{t.shop.category}</dt>
            <dd>{categoryName(categories.data, p.category_id)}</dd>
          </>
        )}
      </dl>
      {unavailable ? (
        <p class="message message-info">{t.shop.productNotFound}</p>
      ) : (
        <form class="add-form" onSubmit={submit}>
          <label for="quantity">{t.shop.quantity}</label>
          <input
            id="quantity"
            type="number"
            inputMode="numeric"
            min={1}
            max={999}
            value={quantity}
            onInput={(e) => setQuantity((e.currentTarget as HTMLInputElement).value)}
          />
          <button type="submit" class="button" disabled={busy}>
            {t.shop.addToCart}
          </button>
        </form>
      )}
      <Status text={status?.text ?? null} error={status?.error} />
    </article>
  );
}
