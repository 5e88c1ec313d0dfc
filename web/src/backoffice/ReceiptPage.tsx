// A receipt as sales renders it (ADR 0160): found by its number, shown as the customer gets it, printed with the
// browser (the page's print style keeps the receipt alone), reprinted as a copy, or sent by e-mail (ADR 0161).
import { useState } from 'preact/hooks';
import { receipts, sales } from '../api/office';
import { navigate } from '../router';
import { errorMessage, t } from '../strings';
import { Failure, Field, Loading, Status, useAsync, usePageTitle } from '../ui/components';
import { isReceiptNumber, receiptBody } from '../ui/receipt-html';

/** The "find a receipt" form of the sales page. */
export function FindReceipt() {
  const [number, setNumber] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const submit = (e: Event) => {
    e.preventDefault();
    if (!isReceiptNumber(number)) {
      setError(t.sales.badNumber);
      return;
    }
    setError(undefined);
    navigate(`/gestion/recus/${encodeURIComponent(number.trim().toUpperCase())}`);
  };
  return (
    <form class="toolbar" onSubmit={submit} noValidate role="search" aria-label={t.sales.findReceipt}>
      <Field label={t.sales.receiptNumber} value={number} onValue={setNumber} error={error} />
      <button type="submit" class="button">
        {t.sales.find}
      </button>
    </form>
  );
}

export function ReceiptPage({ number }: { number: string }) {
  const [copy, setCopy] = useState(false);
  const receipt = useAsync(() => receipts.html(number, copy).then(receiptBody), [number, copy]);
  const [to, setTo] = useState('');
  const [note, setNote] = useState<{ text: string; error: boolean } | null>(null);
  usePageTitle(`${t.sales.receiptTitle(number)} — ${t.office.title}`);

  const email = async (e: Event) => {
    e.preventDefault();
    try {
      // The sale's id is on its JSON answer; the receipt page is found by number.
      const found = await findSaleId(number);
      const queued = await receipts.email(found, to.trim(), copy);
      setNote({ text: t.sales.emailQueued(queued.to), error: false });
      setTo('');
    } catch (err) {
      setNote({ text: errorMessage(err), error: true });
    }
  };

  return (
    <section>
      <p class="no-print">
        <a href="/gestion/ventes">{t.sales.back}</a>
      </p>
      <h1 class="no-print">{t.sales.receiptTitle(number)}</h1>
      <div class="toolbar no-print">
        <label class="choice">
          <input type="checkbox" checked={copy} onChange={(e) => setCopy((e.currentTarget as HTMLInputElement).checked)} />
          <span>{t.sales.reprint}</span>
        </label>
        <button type="button" class="button" onClick={() => window.print()} disabled={!receipt.data}>
          {t.sales.print}
        </button>
      </div>
      {receipt.error ? (
        <Failure error={receipt.error} onRetry={receipt.reload} />
      ) : receipt.data === undefined ? (
        <Loading />
      ) : (
        <div class="receipt-sheet" data-testid="receipt" dangerouslySetInnerHTML={{ __html: receipt.data }} />
      )}
      <form class="toolbar no-print" onSubmit={email} noValidate>
        <Field label={t.sales.emailTo} type="email" value={to} onValue={setTo} />
        <button type="submit" class="button secondary" disabled={!to.trim()}>
          {t.sales.send}
        </button>
      </form>
      <Status text={note?.text ?? null} error={note?.error} />
    </section>
  );
}

// The sale of a receipt number, from the sales list of its store (newest first), as the console does.
async function findSaleId(number: string): Promise<number> {
  const store = Number(/^S(\d+)-/.exec(number)?.[1] ?? 0);
  for (let page = 1; page <= 20; page++) {
    const list = await sales.list({ location_id: store, page });
    const hit = list.data.find((s) => s.receipt_number === number);
    if (hit) return hit.id;
    if (list.data.length < 25) break;
  }
  throw new Error(t.sales.badNumber);
}
