// /gestion/cartes-cadeaux (ADR 0152): a balance checked with the card's code and PIN (cashiers, managers,
// admins: a wrong PIN counts towards the lockout, as at the till, and a locked card answers as a wrong PIN,
// telling a guesser nothing); managers and admins issue a card, its code and PIN shown once. Unlocking a card
// stays with managers through the API (`POST /gift-cards/{id}/unlock`), as the console's README says.
import { useState } from 'preact/hooks';
import { giftCards } from '../api/office';
import type { GiftCardBalance, IssuedGiftCard } from '../api/types';
import { money } from '../format';
import { errorMessage, t } from '../strings';
import { Field, Status, usePageTitle } from '../ui/components';
import { issueAmount } from './gift-cards';
import { role } from './shared';

type Note = { text: string; error: boolean } | null;

function BalanceForm() {
  const [code, setCode] = useState('');
  const [pin, setPin] = useState('');
  const [card, setCard] = useState<GiftCardBalance | null>(null);
  const [note, setNote] = useState<Note>(null);
  const [busy, setBusy] = useState(false);
  const check = async (e: Event) => {
    e.preventDefault();
    if (!code.trim() || !pin.trim()) {
      setNote({ text: t.giftCards.needCodeAndPin, error: true });
      return;
    }
    setBusy(true);
    setNote(null);
    setCard(null);
    try {
      const found = await giftCards.balance(code.trim(), pin.trim());
      setCard(found);
      setNote({ text: t.giftCards.balance(money(found.balance_cents)), error: false });
    } catch (err) {
      setNote({ text: errorMessage(err), error: true });
    } finally {
      setPin('');  // never left on the screen
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="gift-balance">
      <h2 id="gift-balance">{t.giftCards.balanceTitle}</h2>
      <Status text={note?.text ?? null} error={note?.error} />
      <form onSubmit={check} noValidate>
        <Field label={t.giftCards.code} autoComplete="off" required value={code} onValue={setCode} />
        <Field label={t.giftCards.pin} type="password" inputMode="numeric" autoComplete="off" required value={pin} onValue={setPin} />
        <button type="submit" class="button" disabled={busy}>
          {t.giftCards.check}
        </button>
      </form>
      {card && (
        <dl class="totals" data-testid="gift-card">
          <div>
            <dt>{t.giftCards.code}</dt>
            <dd>{card.code}</dd>
          </div>
          <div>
            <dt>{t.giftCards.balanceLabel}</dt>
            <dd data-testid="gift-card-balance">{money(card.balance_cents)}</dd>
          </div>
        </dl>
      )}
    </section>
  );
}

function IssueForm() {
  const [amount, setAmount] = useState('');
  const [issued, setIssued] = useState<IssuedGiftCard | null>(null);
  const [note, setNote] = useState<Note>(null);
  const [busy, setBusy] = useState(false);
  const issue = async (e: Event) => {
    e.preventDefault();
    const cents = issueAmount(amount);
    if (cents === null) {
      setNote({ text: t.giftCards.badAmount, error: true });
      return;
    }
    setBusy(true);  // one card per click: the button stays disabled until the answer
    setNote(null);
    try {
      const card = await giftCards.issue(cents);
      setIssued(card);
      setAmount('');
      setNote({ text: t.giftCards.issued(money(card.balance_cents)), error: false });
    } catch (err) {
      setNote({ text: errorMessage(err), error: true });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="gift-issue">
      <h2 id="gift-issue">{t.giftCards.issueTitle}</h2>
      <Status text={note?.text ?? null} error={note?.error} />
      <form onSubmit={issue} noValidate>
        <Field label={t.giftCards.amount} inputMode="decimal" hint={t.giftCards.amountHint} required value={amount} onValue={setAmount} />
        <button type="submit" class="button" disabled={busy}>
          {t.giftCards.issue}
        </button>
      </form>
      {issued && (
        <div class="message message-info" data-testid="issued-card">
          <p>
            <strong>{t.giftCards.code} :</strong> <span data-testid="issued-code">{issued.code}</span>
          </p>
          <p>
            <strong>{t.giftCards.pin} :</strong> <span data-testid="issued-pin">{issued.pin}</span>
          </p>
          <p>{t.giftCards.showOnce}</p>
          {!issued.active && <p>{t.giftCards.inactive}</p>}
        </div>
      )}
    </section>
  );
}

export function GiftCardsPage() {
  usePageTitle(`${t.giftCards.title} — ${t.office.title}`);
  const r = role();
  const manages = r === 'manager' || r === 'admin';
  return (
    <section>
      <h1>{t.giftCards.title}</h1>
      <BalanceForm />
      {manages && <IssueForm />}
    </section>
  );
}
