// The back office: staff sign-in, a menu by role, and the screen of the current /gestion route. A page
// the role may not open shows "Accès refusé" without calling anything.
import { staffAuth } from '../api/office';
import { staff } from '../api/session';
import { location, navigate } from '../router';
import { useState } from 'preact/hooks';
import { t } from '../strings';
import { Field, Message, usePageTitle, useSubmit } from '../ui/components';
import { SignInForm } from '../ui/SignInForm';
import { DashboardPage } from './DashboardPage';
import { OnlineOrdersPage } from './OnlineOrdersPage';
import { OperationsPage } from './OperationsPage';
import { PasswordPage } from './PasswordPage';
import { ProductsPage } from './ProductsPage';
import { PromotionsPage } from './PromotionsPage';
import { CountsPage } from './CountsPage';
import { ReceiptPage } from './ReceiptPage';
import { RegistersPage } from './RegistersPage';
import { RestockPage } from './RestockPage';
import { GiftCardsPage } from './GiftCardsPage';
import { TransfersPage } from './TransfersPage';
import { SalesPage, SalePage } from './SalesPages';
import { allowed, role, SECTIONS, type Section } from './shared';
import { StaffPage } from './StaffPage';
import { StockPage } from './StockPage';

const LABELS: Record<Section, string> = {
  dashboard: t.office.dashboard,
  products: t.office.products,
  promotions: t.promotions.title,
  stock: t.office.stock,
  restock: t.office.restock,
  transfers: t.office.transfers,
  counts: t.office.counts,
  sales: t.office.sales,
  registers: t.office.registers,
  giftCards: t.office.giftCards,
  onlineOrders: t.office.onlineOrders,
  staff: t.office.staff,
  operations: t.office.operations,
  password: t.office.password,
};

function SignIn() {
  usePageTitle(`${t.office.signInTitle} — ${t.brand}`);
  const signIn = async (email: string, password: string) => {
    const tokens = await staffAuth.login(email, password);
    staff.start(tokens, email);
    const me = await staffAuth.me().catch(() => null);
    if (me) staff.start(tokens, `${me.first_name} ${me.last_name}`);
    const r = role();
    const first = r === 'manager' || r === 'admin' ? SECTIONS.dashboard.path : r === 'logistics' ? SECTIONS.restock.path : SECTIONS.sales.path;
    if (location.value.path === '/gestion') navigate(first, { replace: true });
  };
  const changed = location.value.query.get('motdepasse');
  return (
    <section class="narrow">
      <h1>{t.office.signInTitle}</h1>
      <p>{t.office.signInText}</p>
      {changed && <Message kind="success">{changed === 'defini' ? t.password.resetDone : t.password.changed}</Message>}
      <SignInForm onSignIn={signIn} usernameAutocomplete="username" />
      <ResetWithCode />
    </section>
  );
}

/** The staff member's half of an admin's reset: the one-time code and a new password. */
function ResetWithCode() {
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useSubmit();
  const submit = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      await staffAuth.completeReset(code.trim(), password);
      setCode('');
      setPassword('');
      navigate('/gestion?motdepasse=defini', { replace: true });
    });
  };
  return (
    <details class="panel">
      <summary>{t.password.haveCode}</summary>
      <form onSubmit={submit} noValidate>
        <Field label={t.password.code} autoComplete="one-time-code" required value={code} onValue={setCode} />
        <Field label={t.password.next} type="password" autoComplete="new-password" required minLength={8} hint={t.auth.passwordHint} value={password} onValue={setPassword} />
        <Message kind="error">{error}</Message>
        <button type="submit" class="button wide" disabled={busy}>
          {t.password.setNew}
        </button>
      </form>
    </details>
  );
}

function Forbidden() {
  usePageTitle(`${t.office.forbiddenTitle} — ${t.brand}`);
  return (
    <section>
      <h1>{t.office.forbiddenTitle}</h1>
      <p class="message message-error">{t.office.forbiddenText}</p>
    </section>
  );
}

function Home() {
  usePageTitle(`${t.office.home} — ${t.office.title}`);
  return (
    <section>
      <h1>{t.office.welcome(staff.state.value?.name ?? '')}</h1>
      <p>{t.office.homeText}</p>
    </section>
  );
}

function Screen() {
  const path = location.value.path.replace(/\/+$/, '') || '/gestion';
  if (path === '/gestion') return <Home />;
  const receipt = /^\/gestion\/recus\/(S\d{1,3}-\d{6,})$/.exec(path);
  if (receipt) return allowed('sales') ? <ReceiptPage number={receipt[1]} /> : <Forbidden />;
  const sale = /^\/gestion\/ventes\/(\d+)$/.exec(path);
  if (sale) return allowed('sales') ? <SalePage id={Number(sale[1])} /> : <Forbidden />;
  const entry = (Object.keys(SECTIONS) as Section[]).find((s) => SECTIONS[s].path === path);
  if (!entry) return <Forbidden />;
  if (!allowed(entry)) return <Forbidden />;
  switch (entry) {
    case 'dashboard':
      return <DashboardPage />;
    case 'products':
      return <ProductsPage />;
    case 'promotions':
      return <PromotionsPage />;
    case 'stock':
      return <StockPage />;
    case 'restock':
      return <RestockPage />;
    case 'transfers':
      return <TransfersPage />;
    case 'counts':
      return <CountsPage />;
    case 'sales':
      return <SalesPage />;
    case 'registers':
      return <RegistersPage />;
    case 'giftCards':
      return <GiftCardsPage />;
    case 'onlineOrders':
      return <OnlineOrdersPage />;
    case 'staff':
      return <StaffPage />;
    case 'operations':
      return <OperationsPage />;
    case 'password':
      return <PasswordPage />;
  }
}

export function Office() {
  const signedIn = staff.signedIn.value;
  const r = role();
  const path = location.value.path;
  const signOut = async () => {
    const refresh = staff.state.value?.tokens.refresh_token;
    // Logout (issue 12) revokes the session on the server when it knows how; locally it always ends.
    if (refresh) await staffAuth.logout(refresh).catch(() => undefined);
    staff.end();
    navigate('/gestion');
  };
  return (
    <div class="app office">
      <a class="skip" href="#main">
        {t.skip}
      </a>
      <header class="site-header">
        <div class="bar">
          <a class="logo" href="/gestion">
            {t.office.brand}
          </a>
          <nav aria-label={t.shop.account} class="header-nav">
            <ul>
              {signedIn && r && <li>{t.office.signedInAs(staff.state.value?.name ?? '', t.roles[r])}</li>}
              <li>
                <a href="/">{t.office.backToShop}</a>
              </li>
              {signedIn && (
                <li>
                  <button type="button" class="button link" onClick={signOut}>
                    {t.shop.signOut}
                  </button>
                </li>
              )}
            </ul>
          </nav>
        </div>
      </header>
      {!signedIn ? (
        <main id="main">
          <SignIn />
        </main>
      ) : (
        <div class="office-layout">
          <nav class="office-nav" aria-label={t.office.nav}>
            <ul>
              {(Object.keys(SECTIONS) as Section[])
                .filter((s) => allowed(s, r))
                .map((s) => (
                  <li key={s}>
                    <a href={SECTIONS[s].path} aria-current={path === SECTIONS[s].path || (s === 'sales' && (path.startsWith('/gestion/ventes/') || path.startsWith('/gestion/recus/'))) ? 'page' : undefined}>
                      {LABELS[s]}
                    </a>
                  </li>
                ))}
            </ul>
          </nav>
          <main id="main">
            <Screen />
          </main>
        </div>
      )}
    </div>
  );
}
