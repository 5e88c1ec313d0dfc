// Cycle counts (ADR 0172): logistics or a manager opens a count sheet for a location, enters what the shelves
// hold, then posts it — the differences become count corrections — and reads the variance report. "Expected" is
// the stock when a line is counted, so sales during the count do not distort it.
import { useState } from 'preact/hooks';
import { counts } from '../api/office';
import type { CountSheet, Product, VarianceReport } from '../api/types';
import { money } from '../format';
import { errorMessage, t } from '../strings';
import { Failure, Field, Loading, Message, Select, Status, useAsync, usePageTitle, useSubmit } from '../ui/components';
import { nameOf, useLocations, useProducts } from './shared';

type Note = { text: string; error: boolean } | null;

export function CountsPage() {
  usePageTitle(`${t.counts.title} — ${t.office.title}`);
  const locations = useLocations();
  const productList = useProducts();
  const list = useAsync(() => counts.list({}).then((p) => p.data), []);
  const [note, setNote] = useState<Note>(null);
  const replace = (s: CountSheet) => list.set([s, ...(list.data ?? []).filter((x) => x.id !== s.id)]);
  return (
    <section>
      <h1>{t.counts.title}</h1>
      <p class="muted">{t.counts.expectedHelp}</p>
      <Status text={note?.text ?? null} error={note?.error} />
      <OpenSheet
        locationOptions={(locations.data ?? []).filter((l) => l.type !== 'head_office').map((l) => ({ value: String(l.id), label: l.name }))}
        onOpened={(s) => {
          replace(s);
          setNote({ text: t.counts.opened(s.id), error: false });
        }}
      />
      {list.error ? (
        <Failure error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.length === 0 ? (
        <p>{t.counts.none}</p>
      ) : (
        <ul class="plain">
          {list.data.map((s) => (
            <SheetCard key={s.id} sheet={s} where={nameOf(locations.data, s.location_id)} products={productList.data} onChanged={replace} onNote={setNote} />
          ))}
        </ul>
      )}
    </section>
  );
}

function SheetCard({
  sheet,
  where,
  products,
  onChanged,
  onNote,
}: {
  sheet: CountSheet;
  where: string;
  products: Product[] | undefined;
  onChanged: (s: CountSheet) => void;
  onNote: (n: Note) => void;
}) {
  const [entered, setEntered] = useState<Record<number, string>>(() =>
    Object.fromEntries(sheet.lines.map((l) => [l.product_id, l.counted_quantity === null ? '' : String(l.counted_quantity)])),
  );
  const [report, setReport] = useState<VarianceReport | null>(null);
  const [busy, setBusy] = useState(false);
  const act = async (work: () => Promise<CountSheet>, done: (s: CountSheet) => string) => {
    setBusy(true);
    try {
      const s = await work();
      onChanged(s);
      onNote({ text: done(s), error: false });
    } catch (e) {
      onNote({ text: errorMessage(e), error: true });
    } finally {
      setBusy(false);
    }
  };
  const open = sheet.status === 'open';
  const save = (e: Event) => {
    e.preventDefault();
    const lines = sheet.lines
      .filter((l) => (entered[l.product_id] ?? '') !== '')
      .map((l) => ({ product_id: l.product_id, quantity: Number(entered[l.product_id]) }));
    if (lines.length === 0 || lines.some((l) => !Number.isInteger(l.quantity) || l.quantity < 0)) {
      onNote({ text: t.errors.validation, error: true });
      return;
    }
    void act(() => counts.record(sheet.id, lines), (s) => t.counts.saved(s.id));
  };
  const post = () => {
    if (!window.confirm(t.counts.postConfirm(sheet.id))) return;
    void act(
      async () => {
        const posted = await counts.post(sheet.id);
        setReport(posted.variance);
        return posted;
      },
      (s) => t.counts.posted(s.id),
    );
  };
  const showVariance = async () => {
    try {
      setReport(await counts.variance(sheet.id));
    } catch (e) {
      onNote({ text: errorMessage(e), error: true });
    }
  };
  const headingId = `count-${sheet.id}`;
  return (
    <li class="panel" aria-labelledby={headingId} data-testid={`count-${sheet.id}`}>
      <h2 id={headingId}>
        {t.counts.sheet(sheet.id, where)} <span class={`badge status-${sheet.status}`}>{t.countStatuses[sheet.status]}</span>
      </h2>
      {sheet.note && <p class="muted">{sheet.note}</p>}
      <form onSubmit={save} noValidate>
        <table class="list">
          <thead>
            <tr>
              <th scope="col">{t.counts.product}</th>
              <th scope="col" class="num">
                {t.counts.atOpen}
              </th>
              <th scope="col" class="num">
                {t.counts.counted}
              </th>
              <th scope="col" class="num">
                {t.counts.expected}
              </th>
            </tr>
          </thead>
          <tbody>
            {sheet.lines.map((l) => (
              <tr key={l.product_id}>
                <th scope="row" data-label={t.counts.product}>
                  {nameOf(products, l.product_id)}
                </th>
                <td class="num" data-label={t.counts.atOpen}>
                  {l.on_hand_at_open}
                </td>
                <td class="num" data-label={t.counts.counted}>
                  {open ? (
                    <input
                      type="number"
                      min={0}
                      aria-label={t.counts.countedOf(nameOf(products, l.product_id))}
                      value={entered[l.product_id] ?? ''}
                      onInput={(e) => setEntered({ ...entered, [l.product_id]: (e.currentTarget as HTMLInputElement).value })}
                    />
                  ) : (
                    l.counted_quantity ?? '—'
                  )}
                </td>
                <td class="num" data-label={t.counts.expected}>
                  {l.expected_quantity ?? '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div class="actions">
          {open && (
            <>
              <button type="submit" class="button secondary" disabled={busy}>
                {t.counts.save}
              </button>
              <button type="button" class="button" disabled={busy} onClick={post}>
                {t.counts.post}
              </button>
              <button type="button" class="button danger" disabled={busy} onClick={() => void act(() => counts.cancel(sheet.id), (s) => t.counts.cancelled(s.id))}>
                {t.counts.cancel}
              </button>
            </>
          )}
          <button type="button" class="button link" onClick={() => void showVariance()}>
            {t.counts.showVariance}
          </button>
        </div>
      </form>
      {report && <Variance report={report} products={products} />}
    </li>
  );
}

function Variance({ report, products }: { report: VarianceReport; products: Product[] | undefined }) {
  return (
    <div data-testid={`variance-${report.count_id}`}>
      <h3>{t.counts.variances}</h3>
      <table class="list">
        <thead>
          <tr>
            <th scope="col">{t.counts.product}</th>
            <th scope="col" class="num">
              {t.counts.expected}
            </th>
            <th scope="col" class="num">
              {t.counts.counted}
            </th>
            <th scope="col" class="num">
              {t.counts.difference}
            </th>
            <th scope="col" class="num">
              {t.counts.value}
            </th>
          </tr>
        </thead>
        <tbody>
          {report.rows.map((r) => (
            <tr key={r.product_id}>
              <th scope="row">{nameOf(products, r.product_id)}</th>
              <td class="num">{r.expected}</td>
              <td class="num">{r.counted}</td>
              <td class="num">{r.variance > 0 ? `+${r.variance}` : r.variance}</td>
              <td class="num">{r.value_cents === null ? '—' : money(r.value_cents)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {t.counts.short} : {report.totals.units_short} ({money(report.totals.value_short_cents)}) · {t.counts.over} : {report.totals.units_over} (
        {money(report.totals.value_over_cents)}) · {t.counts.net} : <strong>{money(report.totals.net_value_cents)}</strong>
      </p>
      {report.not_counted.length > 0 && <p class="muted">{t.counts.notCounted(report.not_counted.length)}</p>}
    </div>
  );
}

function OpenSheet({ locationOptions, onOpened }: { locationOptions: { value: string; label: string }[]; onOpened: (s: CountSheet) => void }) {
  const [where, setWhere] = useState('');
  const [productsText, setProductsText] = useState('');
  const [noteText, setNoteText] = useState('');
  const { busy, error, setError, run } = useSubmit();
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const words = productsText.trim() ? productsText.trim().split(/[\s,]+/) : [];
    const ids = words.map(Number);
    if (!where || ids.some((n) => !Number.isInteger(n) || n < 1)) {
      setError(!where ? t.errors.validation : t.counts.badProducts);
      return;
    }
    await run(async () => {
      const sheet = await counts.open(Number(where), ids.length ? ids : null, noteText.trim());
      setProductsText('');
      setNoteText('');
      onOpened(sheet);
    });
  };
  return (
    <details class="panel">
      <summary>
        <strong>{t.counts.open}</strong>
      </summary>
      <form onSubmit={submit} noValidate>
        <div class="form-grid">
          <Select label={t.counts.location} value={where} onValue={setWhere} options={[{ value: '', label: '—' }, ...locationOptions]} />
          <Field label={t.counts.products} hint={t.counts.productsHint} value={productsText} onValue={setProductsText} />
          <Field label={t.counts.note} value={noteText} onValue={setNoteText} />
        </div>
        <Message kind="error">{error}</Message>
        <button type="submit" class="button" disabled={busy}>
          {t.counts.submitOpen}
        </button>
      </form>
    </details>
  );
}
