// /gestion/promotions: head office's automatic promotions (ADR 0141) — every one, in force or not, a form to
// create one, and withdrawal. Product owns them and checks each field; the till, the cart and the checkout
// apply them.
import { useState } from 'preact/hooks';
import { promotions } from '../api/office';
import type { Promotion, PromotionKind } from '../api/types';
import { money } from '../format';
import { errorMessage, t } from '../strings';
import { Failure, Field, Loading, Message, Select, Status, useAsync, usePageTitle, useSubmit } from '../ui/components';
import { EMPTY_PROMOTION, promotionBody, type PromotionForm } from './promotion-form';

type Note = { text: string; error: boolean } | null;

function describe(p: Promotion): string {
  const targets = [p.product_ids.length ? `#${p.product_ids.join(', #')}` : '', p.category_id ? `cat. ${p.category_id}` : '']
    .filter(Boolean)
    .join(' + ');
  switch (p.kind) {
    case 'percent_off':
      return `${p.percent} % — ${targets}`;
    case 'buy_x_get_y':
      return `${p.buy_quantity} + ${p.get_quantity} — ${targets}`;
    case 'bundle':
      return `${p.bundle.map((b) => `#${b.product_id}×${b.quantity}`).join(' + ')} = ${money(p.bundle_price_cents)}`;
  }
}

export function PromotionsPage() {
  usePageTitle(`${t.promotions.title} — ${t.office.title}`);
  const list = useAsync(() => promotions.list().then((p) => p.data), []);
  const [note, setNote] = useState<Note>(null);
  const withdraw = async (p: Promotion) => {
    if (!window.confirm(t.promotions.withdrawConfirm(p.name))) return;
    try {
      await promotions.withdraw(p.id);
      list.set((list.data ?? []).map((x) => (x.id === p.id ? { ...x, active: false } : x)));
      setNote({ text: t.promotions.withdrawnDone(p.name), error: false });
    } catch (e) {
      setNote({ text: errorMessage(e), error: true });
    }
  };
  return (
    <section>
      <h1>{t.promotions.title}</h1>
      <Status text={note?.text ?? null} error={note?.error} />
      <CreatePromotion
        onCreated={(p) => {
          list.set([...(list.data ?? []), p]);
          setNote({ text: t.promotions.created(p.name), error: false });
        }}
      />
      {list.error ? (
        <Failure error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.length === 0 ? (
        <p>{t.promotions.none}</p>
      ) : (
        <div class="table-wrap">
          <table class="list">
            <thead>
              <tr>
                <th scope="col">{t.promotions.name}</th>
                <th scope="col">{t.promotions.kind}</th>
                <th scope="col">{t.promotions.when}</th>
                <th scope="col">{t.promotions.where}</th>
                <th scope="col">{t.promotions.state}</th>
                <th scope="col">
                  <span class="visually-hidden">{t.promotions.withdraw}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((p) => (
                <tr key={p.id} data-testid="promotion-row">
                  <th scope="row" data-label={t.promotions.name}>
                    {p.name}
                  </th>
                  <td data-label={t.promotions.kind}>
                    {t.promotions.kinds[p.kind]} : {describe(p)}
                  </td>
                  <td data-label={t.promotions.when}>
                    {p.starts_at.slice(0, 10)} → {p.ends_at ? p.ends_at.slice(0, 10) : '…'}
                  </td>
                  <td data-label={t.promotions.where}>
                    {[p.location_ids.length ? `#${p.location_ids.join(', #')}` : '', p.online ? t.promotions.online : ''].filter(Boolean).join(' · ')}
                  </td>
                  <td data-label={t.promotions.state}>{p.active ? t.promotions.inForce : t.promotions.withdrawn}</td>
                  <td>
                    {p.active && (
                      <button type="button" class="button danger small" aria-label={t.promotions.withdrawNamed(p.name)} onClick={() => void withdraw(p)}>
                        {t.promotions.withdraw}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function CreatePromotion({ onCreated }: { onCreated: (p: Promotion) => void }) {
  const [form, setForm] = useState<PromotionForm>(EMPTY_PROMOTION);
  const { busy, error, run } = useSubmit();
  const [local, setLocal] = useState<string | null>(null);
  const set = (k: keyof PromotionForm) => (v: string) => setForm({ ...form, [k]: v });
  const submit = (e: Event) => {
    e.preventDefault();
    const body = promotionBody(form);
    if (!body) {
      setLocal(t.promotions.badInput);
      return;
    }
    setLocal(null);
    void run(async () => {
      const created = await promotions.create(body);
      setForm(EMPTY_PROMOTION);
      onCreated(created);
    });
  };
  return (
    <details class="panel">
      <summary>{t.promotions.create}</summary>
      <form onSubmit={submit}>
        <div class="form-grid">
          <Field label={t.promotions.name} required value={form.name} onValue={set('name')} />
          <Select
            label={t.promotions.kind}
            value={form.kind}
            onValue={(v) => setForm({ ...form, kind: v as PromotionKind })}
            options={(['percent_off', 'buy_x_get_y', 'bundle'] as const).map((k) => ({ value: k, label: t.promotions.kinds[k] }))}
          />
          {form.kind !== 'bundle' && <Field label={t.promotions.products} value={form.products} onValue={set('products')} />}
          {form.kind !== 'bundle' && <Field label={t.promotions.category} inputMode="numeric" value={form.category} onValue={set('category')} />}
          {form.kind === 'percent_off' && <Field label={t.promotions.percent} inputMode="numeric" value={form.percent} onValue={set('percent')} />}
          {form.kind === 'buy_x_get_y' && <Field label={t.promotions.buy} inputMode="numeric" value={form.buy} onValue={set('buy')} />}
          {form.kind === 'buy_x_get_y' && <Field label={t.promotions.get} inputMode="numeric" value={form.get} onValue={set('get')} />}
          {form.kind === 'bundle' && <Field label={t.promotions.bundle} value={form.bundle} onValue={set('bundle')} />}
          {form.kind === 'bundle' && <Field label={t.promotions.bundlePrice} inputMode="decimal" value={form.bundlePrice} onValue={set('bundlePrice')} />}
          <Field label={t.promotions.starts} required value={form.starts} onValue={set('starts')} />
          <Field label={t.promotions.ends} value={form.ends} onValue={set('ends')} />
          <Field label={t.promotions.stores} value={form.stores} onValue={set('stores')} />
          <label class="choice">
            <input type="checkbox" checked={form.online} onChange={(e) => setForm({ ...form, online: (e.currentTarget as HTMLInputElement).checked })} />
            <span>{t.promotions.online}</span>
          </label>
        </div>
        <Message kind="error">{local ?? error}</Message>
        <button type="submit" class="button" disabled={busy}>
          {t.promotions.createSubmit}
        </button>
      </form>
    </details>
  );
}
