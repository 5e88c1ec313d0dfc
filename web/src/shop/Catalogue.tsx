import { useState } from 'preact/hooks';
import { catalogue } from '../api/shop';
import type { Category, Product } from '../api/types';
import { money } from '../format';
import { navigate } from '../router';
import { errorMessage, t } from '../strings';
import { Failure, Loading, Pager, Status, useAsync, usePageTitle } from '../ui/components';
import { addToCart } from './cart-state';

const PER_PAGE = 12;

export function useCategories() {
  return useAsync(() => catalogue.categories().then((p) => p.data), []);
}

export function categoryName(categories: Category[] | undefined, id: number | null): string | null {
  return categories?.find((c) => c.id === id)?.name ?? null;
}

export function Catalogue({ query }: { query: URLSearchParams }) {
  const q = query.get('q')?.trim() ?? '';
  const categoryId = Number(query.get('categorie')) || undefined;
  const page = Math.max(1, Number(query.get('page')) || 1);
  const categories = useCategories();
  const products = useAsync(
    () => catalogue.products({ q: q || undefined, category_id: categoryId, page, per_page: PER_PAGE, sort: q ? 'relevance' : 'name' }),
    [q, categoryId, page],
  );
  const current = categoryName(categories.data, categoryId ?? null);
  const heading = q ? t.shop.resultsFor(q) : current ?? t.shop.allProducts;
  usePageTitle(`${heading} — ${t.brand}`);

  const go = (params: Record<string, string | number | undefined>) => {
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') next.set(k, String(v));
    const s = next.toString();
    navigate(s ? `/?${s}` : '/');
  };

  return (
    <div class="catalogue">
      <nav class="categories" aria-label={t.shop.categories}>
        <h2 class="visually-hidden">{t.shop.categories}</h2>
        <ul>
          <li>
            <a href="/" aria-current={!categoryId && !q ? 'page' : undefined}>
              {t.shop.allProducts}
            </a>
          </li>
          {categories.data?.map((c) => (
            <li key={c.id}>
              <a href={`/?categorie=${c.id}`} aria-current={categoryId === c.id ? 'page' : undefined}>
                {c.name}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <section class="products" aria-labelledby="catalogue-title">
        <h1 id="catalogue-title">{heading}</h1>
        {products.error ? (
          <Failure error={products.error} onRetry={products.reload} />
        ) : !products.data ? (
          <Loading />
        ) : (
          <>
            <p class="count" role="status">
              {t.shop.results(products.data.meta.total)}
            </p>
            {products.data.data.length === 0 && <p>{t.shop.noResults}</p>}
            <ul class="grid">
              {products.data.data.map((p) => (
                <ProductCard key={p.id} product={p} category={categoryName(categories.data, p.category_id)} />
              ))}
            </ul>
            <Pager
              page={page}
              perPage={PER_PAGE}
              total={products.data.meta.total}
              onPage={(n) => go({ q: q || undefined, categorie: categoryId, page: n > 1 ? n : undefined })}
            />
          </>
        )}
      </section>
    </div>
  );
}

function ProductCard({ product, category }: { product: Product; category: string | null }) {
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const add = async () => {
    setBusy(true);
    try {
      await addToCart(product.id, 1);
      setStatus({ text: t.shop.added(product.name, 1), error: false });
    } catch (e) {
      setStatus({ text: errorMessage(e), error: true });
    } finally {
      setBusy(false);
    }
  };
  return (
    <li class="card product-card">
      <h2 class="card-title">
        <a href={`/produits/${product.id}`}>{product.name}</a>
      </h2>
      {category && <p class="muted">{category}</p>}
      <p class="price">{money(product.price_cents)}</p>
      <button type="button" class="button" onClick={add} disabled={busy}>
        {t.shop.addToCart}
        <span class="visually-hidden"> : {product.name}</span>
      </button>
      <Status text={status?.text ?? null} error={status?.error} />
    </li>
  );
}
