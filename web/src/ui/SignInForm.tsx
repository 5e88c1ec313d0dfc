import { useState } from 'preact/hooks';
import { t } from '../strings';
import { Field, Message, useSubmit } from './components';

/**
 * Email and password, for shoppers and staff alike. `onSignIn` does the work and throws on failure
 * (the message shown is the service's, in French); the button stays disabled while it runs.
 */
export function SignInForm({ onSignIn, usernameAutocomplete = 'email' }: { onSignIn: (email: string, password: string) => Promise<void>; usernameAutocomplete?: string }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useSubmit();
  const submit = (e: Event) => {
    e.preventDefault();
    void run(() => onSignIn(email.trim(), password));
  };
  return (
    <form onSubmit={submit} noValidate>
      <Field label={t.auth.email} type="email" autoComplete={usernameAutocomplete} required value={email} onValue={setEmail} />
      <Field label={t.auth.password} type="password" autoComplete="current-password" required value={password} onValue={setPassword} />
      <Message kind="error">{error}</Message>
      <button type="submit" class="button wide" disabled={busy}>
        {t.auth.submitSignIn}
      </button>
    </form>
  );
}
