import { useState } from 'preact/hooks';
import { account } from '../api/shop';
import { shopper } from '../api/session';
import { location, navigate } from '../router';
import { errorMessage, t } from '../strings';
import { Field, Message, usePageTitle } from '../ui/components';
import { SignInForm } from '../ui/SignInForm';
import { mergeGuestCart } from './cart-state';

/** Only same-site paths: a link cannot send a shopper elsewhere after sign-in. */
export function safeReturn(value: string | null): string {
  return value && value.startsWith('/') && !value.startsWith('//') ? value : '/';
}

/**
 * Merges the guest cart, then goes back where the shopper came from — unless they went elsewhere while the
 * merge ran (the header greets them as soon as they are signed in, and they may search at once): a late
 * navigation would throw away what they were doing and take their focus.
 */
export async function afterSignIn(retour: string) {
  const from = location.value;
  await mergeGuestCart();
  if (location.value === from) navigate(retour, { replace: true });
}

export function SignInPage({ query }: { query: URLSearchParams }) {
  usePageTitle(`${t.auth.signInTitle} — ${t.brand}`);
  const retour = safeReturn(query.get('retour'));
  const signIn = async (email: string, password: string) => {
    const tokens = await account.login(email, password);
    shopper.start(tokens, email);
    const me = await account.me().catch(() => null);
    if (me) shopper.start(tokens, me.first_name);
    await afterSignIn(retour);
  };
  return (
    <section class="narrow">
      <h1>{t.auth.signInTitle}</h1>
      {retour === '/paiement' && <Message kind="info">{t.auth.needSignIn}</Message>}
      <SignInForm onSignIn={signIn} />
      <p>
        {t.auth.noAccount} <a href={`/inscription?retour=${encodeURIComponent(retour)}`}>{t.shop.register}</a>
      </p>
    </section>
  );
}

export function RegisterPage({ query }: { query: URLSearchParams }) {
  usePageTitle(`${t.auth.registerTitle} — ${t.brand}`);
  const retour = safeReturn(query.get('retour'));
  const [form, setForm] = useState({ first_name: '', last_name: '', email: '', password: '' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (v: string) => setForm({ ...form, [k]: v });

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await account.register({ ...form, email: form.email.trim() });
      shopper.start(answer, answer.customer.first_name);
      await afterSignIn(retour);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <section class="narrow">
      <h1>{t.auth.registerTitle}</h1>
      <form onSubmit={submit} noValidate>
        <Field label={t.auth.firstName} autoComplete="given-name" required value={form.first_name} onValue={set('first_name')} />
        <Field label={t.auth.lastName} autoComplete="family-name" required value={form.last_name} onValue={set('last_name')} />
        <Field label={t.auth.email} type="email" autoComplete="email" required value={form.email} onValue={set('email')} />
        <Field
          label={t.auth.password}
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          hint={t.auth.passwordHint}
          value={form.password}
          onValue={set('password')}
        />
        <Message kind="error">{error}</Message>
        <button type="submit" class="button wide" disabled={busy}>
          {t.auth.submitRegister}
        </button>
      </form>
      <p>
        {t.auth.haveAccount} <a href={`/connexion?retour=${encodeURIComponent(retour)}`}>{t.shop.signIn}</a>
      </p>
    </section>
  );
}
