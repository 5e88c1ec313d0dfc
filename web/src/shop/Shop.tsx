// The online shop: header (search, cart, account), the page of the current route, footer.
import { useEffect, useState } from 'preact/hooks';
import { shopper } from '../api/session';
import { location, match, navigate } from '../router';
import { t } from '../strings';
import { usePageTitle } from '../ui/components';
import { RegisterPage, SignInPage } from './AuthPages';
import { CartPage } from './CartPage';
import { forgetCart, itemCount, loadCart } from './cart-state';
import { Catalogue } from './Catalogue';
import { CheckoutPage } from './CheckoutPage';
import { OrderPage, OrdersPage } from './OrdersPages';
import { ProductPage } from './ProductPage';

function Page() {
  const { path, query } = location.value;
  if (path === '/') return <Catalogue query={query} />;
  let m = match('/produits/:id', path);
  if (m && /^\d+$/.test(m.id ?? '')) return <ProductPage id={Number(m.id)} />;
  if (path === '/panier') return <CartPage />;
  if (path === '/connexion') return <SignInPage query={query} />;
  if (path === '/inscription') return <RegisterPage query={query} />;
  const needsAccount = path === '/paiement' || path === '/commandes' || path.startsWith('/commandes/');
  const search = query.toString();
  if (needsAccount && !shopper.signedIn.value) return <SignInRedirect to={search ? `${path}?${search}` : path} />;
  if (path === '/paiement') return <CheckoutPage />;
  if (path === '/commandes') return <OrdersPage query={query} />;
  m = match('/commandes/:id', path);
  if (m?.id) return <OrderPage id={m.id} query={query} />;
  return <NotFound />;
}

function SignInRedirect({ to }: { to: string }) {
  useEffect(() => navigate(`/connexion?retour=${encodeURIComponent(to)}`, { replace: true }), [to]);
  return null;
}

export function NotFound() {
  usePageTitle(`${t.notFoundTitle} — ${t.brand}`);
  return (
    <section>
      <h1>{t.notFoundTitle}</h1>
      <p>{t.notFoundText}</p>
      <p>
        <a href="/">{t.backHome}</a>
      </p>
    </section>
  );
}

function SearchForm() {
  const current = location.value.path === '/' ? location.value.query.get('q') ?? '' : '';
  const [q, setQ] = useState(current);
  useEffect(() => setQ(current), [current]);
  return (
    <form
      role="search"
      class="search"
      onSubmit={(e) => {
        e.preventDefault();
        const v = q.trim();
        navigate(v ? `/?q=${encodeURIComponent(v)}` : '/');
      }}
    >
      <label for="search" class="visually-hidden">
        {t.shop.searchLabel}
      </label>
      <input id="search" type="search" placeholder={t.shop.searchPlaceholder} value={q} onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)} />
      <button type="submit" class="button">
        {t.shop.searchButton}
      </button>
    </form>
  );
}

export function Shop() {
  useEffect(() => {
    loadCart().catch(() => undefined);
  }, [shopper.signedIn.value]);
  const signedIn = shopper.signedIn.value;
  const name = shopper.state.value?.name;
  const count = itemCount.value;
  const signOut = () => {
    shopper.end();
    forgetCart();
    navigate('/');
  };
  return (
    <div class="app shop">
      <a class="skip" href="#main">
        {t.skip}
      </a>
      <header class="site-header">
        <div class="bar">
          <a class="logo" href="/">
            {t.brand}
          </a>
          <SearchForm />
          <nav aria-label={t.shop.nav} class="header-nav">
            <ul>
              {signedIn ? (
                <>
                  <li class="hello">{name ? t.shop.hello(name) : null}</li>
                  <li>
                    <a href="/commandes">{t.shop.myOrders}</a>
                  </li>
                  <li>
                    <button type="button" class="button link" onClick={signOut}>
                      {t.shop.signOut}
                    </button>
                  </li>
                </>
              ) : (
                <li>
                  <a href="/connexion">{t.shop.signIn}</a>
                </li>
              )}
              <li>
                <a href="/panier" class="cart-link" data-testid="cart-link">
                  {t.shop.cart} <span class="count-badge">{count}</span>
                  <span class="visually-hidden">{t.shop.cartItems(count)}</span>
                </a>
              </li>
            </ul>
          </nav>
        </div>
      </header>
      <main id="main">
        <Page />
      </main>
      <footer class="site-footer">
        <p>{t.shop.footer}</p>
        <p>
          <a href="/gestion">{t.shop.staffLink}</a>
        </p>
      </footer>
    </div>
  );
}
