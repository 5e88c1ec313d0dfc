import { useState } from 'preact/hooks';
import { staffAuth } from '../api/office';
import { staff } from '../api/session';
import { navigate } from '../router';
import { errorMessage, t } from '../strings';
import { Field, Status, usePageTitle } from '../ui/components';

export function PasswordPage() {
  usePageTitle(`${t.password.title} — ${t.office.title}`);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [note, setNote] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      await staffAuth.changePassword(current, next);
      // Every session of the account ends with the change: sign in again with the new password.
      staff.end();
      navigate('/gestion?motdepasse=change', { replace: true });
    } catch (err) {
      setNote({ text: errorMessage(err), error: true });
      setBusy(false);
    }
  };
  return (
    <section class="narrow">
      <h1>{t.password.title}</h1>
      <Status text={note?.text ?? null} error={note?.error} />
      <form onSubmit={submit} noValidate>
        <Field label={t.password.current} type="password" autoComplete="current-password" required value={current} onValue={setCurrent} />
        <Field label={t.password.next} type="password" autoComplete="new-password" required minLength={8} hint={t.auth.passwordHint} value={next} onValue={setNext} />
        <button type="submit" class="button wide" disabled={busy}>
          {t.password.submit}
        </button>
      </form>
    </section>
  );
}
