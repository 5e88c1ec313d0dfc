import { useState } from 'preact/hooks';
import { products } from '../api/office';
import { catalogue } from '../api/shop';
import type { Product, TaxClass } from '../api/types';
import { fold, money, moneyInput, parseMoney } from '../format';
import { errorMessage, t } from '../strings';
import { Failure, Field, Loading, Message, Select, Status, useAsync, usePageTitle, useSubmit } from '../ui/components';
import { barcodeProblem } from './barcode';
import { nameOf } from './shared';

type Note = { text: string; error: boolean } | null;

const TAX_CLASS_OPTIONS = (['taxable', 'zero_rated', 'exempt'] as const).map((c) => ({ value: c, label: t.products.taxClasses[c] }));

export function ProductsPage() {
  usePageTitle(`${t.products.title} — ${t.office.title}`);
  const [showArchived, setShowArchived] = useState(false);
  const list = useAsync(() => products.list({ active: showArchived ? 'all' : 'true' }).then((p) => p.data), [showArchived]);
  const categories = useAsync(() => catalogue.categories().then((p) => p.data), []);
  const [filter, setFilter] = useState('');
  const [note, setNote] = useState<Note>(null);

  const replace = (p: Product) => list.set((list.data ?? []).map((x) => (x.id === p.id ? p : x)));
  const shown = (list.data ?? []).filter((p) => !filter || fold(`${p.name} ${p.sku}`).includes(fold(filter)));

  return (
    <section>
      <h1>{t.products.title}</h1>
      <Status text={note?.text ?? null} error={note?.error} />
      <CreateProduct
        categories={categories.data ?? []}
        onCreated={(p) => {
          list.set([...(list.data ?? []), p]);
          setNote({ text: t.products.created(p.name), error: false });
        }}
      />
      <div class="toolbar">
        <Field label={t.products.filter} type="search" value={filter} onValue={setFilter} />
        <label class="choice">
          <input type="checkbox" checked={showArchived} onChange={(e) => setShowArchived((e.currentTarget as HTMLInputElement).checked)} />
          <span>{t.products.showArchived}</span>
        </label>
      </div>
      {list.error ? (
        <Failure error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : (
        <div class="table-wrap">
          <table class="list">
            <thead>
              <tr>
                <th scope="col">{t.products.name}</th>
                <th scope="col">{t.products.sku}</th>
                <th scope="col">{t.products.codes}</th>
                <th scope="col">{t.products.category}</th>
                <th scope="col" class="num">
                  {t.products.price}
                </th>
                <th scope="col">{t.products.taxClass}</th>
                <th scope="col">{t.products.state}</th>
                <th scope="col">{t.products.actions}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((p) => (
                <ProductRow key={p.id} product={p} category={nameOf(categories.data, p.category_id)} onChanged={replace} onNote={setNote} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function ProductRow({ product, category, onChanged, onNote }: { product: Product; category: string; onChanged: (p: Product) => void; onNote: (n: Note) => void }) {
  const [price, setPrice] = useState(moneyInput(product.price_cents));
  const [busy, setBusy] = useState(false);
  const act = async (work: () => Promise<Product>, done: (p: Product) => string) => {
    setBusy(true);
    try {
      const p = await work();
      onChanged(p);
      onNote({ text: done(p), error: false });
    } catch (e) {
      onNote({ text: errorMessage(e), error: true });
    } finally {
      setBusy(false);
    }
  };
  const changePrice = (e: Event) => {
    e.preventDefault();
    const cents = parseMoney(price);
    if (cents === null || cents <= 0) {
      onNote({ text: t.products.badPrice, error: true });
      return;
    }
    void act(() => products.patch(product.id, { price_cents: cents }), (p) => t.products.priceChanged(p.name, money(p.price_cents)));
  };
  const [barcode, setBarcode] = useState(product.barcode ?? '');
  const changeBarcode = (e: Event) => {
    e.preventDefault();
    const code = barcode.trim();
    const why = code ? barcodeProblem(code) : null;
    if (why) {
      onNote({ text: t.products.badBarcode(why), error: true });
      return;
    }
    void act(() => products.patch(product.id, { barcode: code || null }), (p) => t.products.barcodeChanged(p.name, p.barcode ?? ''));
  };
  const archive = () => {
    if (!window.confirm(t.products.archiveConfirm(product.name))) return;
    void act(
      async () => {
        await products.archive(product.id);
        return { ...product, active: false };
      },
      (p) => t.products.archivedDone(p.name),
    );
  };
  return (
    <tr>
      <th scope="row" data-label={t.products.name}>
        {product.name}
      </th>
      <td data-label={t.products.sku}>{product.sku}</td>
      <td data-label={t.products.codes}>
        <form class="inline-form" onSubmit={changeBarcode}>
          <Field label={t.products.barcodeOf(product.name)} hideLabel inputMode="numeric" placeholder={t.products.noBarcode} value={barcode} onValue={setBarcode} />
          <button type="submit" class="button secondary small" disabled={busy}>
            {t.products.setBarcode}
          </button>
        </form>
        {product.scale_code && <span class="muted">{t.products.weighed(product.scale_code)}</span>}
      </td>
      <td data-label={t.products.category}>{category}</td>
      <td class="num" data-label={t.products.price}>
        {money(product.price_cents)}
      </td>
      <td data-label={t.products.taxClass}>
        <Select
          label={t.products.taxClassOf(product.name)}
          value={product.tax_class ?? 'taxable'}
          disabled={busy}
          onValue={(v) =>
            void act(() => products.patch(product.id, { tax_class: v as TaxClass }), (p) => t.products.taxClassChanged(p.name, t.products.taxClasses[p.tax_class ?? 'taxable']))
          }
          options={TAX_CLASS_OPTIONS}
        />
      </td>
      <td data-label={t.products.state}>
        <span class={`badge ${product.active ? 'status-delivered' : 'status-cancelled'}`}>{product.active ? t.products.active : t.products.archived}</span>
      </td>
      <td data-label={t.products.actions}>
        <div class="actions">
          <form class="inline-form" onSubmit={changePrice}>
            <Field label={t.products.newPriceOf(product.name)} hideLabel inputMode="decimal" value={price} onValue={setPrice} />
            <button type="submit" class="button secondary small" disabled={busy}>
              {t.products.changePrice}
            </button>
          </form>
          {product.active ? (
            <button type="button" class="button danger small" disabled={busy} aria-label={t.products.archiveNamed(product.name)} onClick={archive}>
              {t.products.archive}
            </button>
          ) : (
            <button
              type="button"
              class="button secondary small"
              disabled={busy}
              onClick={() => void act(() => products.patch(product.id, { active: true }), (p) => t.products.restored(p.name))}
            >
              {t.products.restore}
            </button>
          )}
        </div>
      </td>
    </tr>
  );
}

function CreateProduct({ categories, onCreated }: { categories: { id: number; name: string }[]; onCreated: (p: Product) => void }) {
  const empty = { sku: '', name: '', description: '', category: '', price: '', taxClass: 'taxable', barcode: '', scale: '' };
  const [form, setForm] = useState(empty);
  const { busy, error, setError, run } = useSubmit();
  const set = (k: keyof typeof form) => (v: string) => setForm({ ...form, [k]: v });
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const cents = parseMoney(form.price);
    if (cents === null || cents <= 0) {
      setError(t.products.badPrice);
      return;
    }
    const why = form.barcode.trim() ? barcodeProblem(form.barcode.trim()) : null;
    if (why) {
      setError(t.products.badBarcode(why));
      return;
    }
    if (form.scale.trim() && !/^\d{5}$/.test(form.scale.trim())) {
      setError(t.products.badScaleCode);
      return;
    }
    await run(async () => {
      const p = await products.create({
        sku: form.sku.trim(),
        name: form.name.trim(),
        description: form.description.trim() || null,
        category_id: form.category ? Number(form.category) : null,
        price_cents: cents,
        tax_class: form.taxClass as TaxClass,
        barcode: form.barcode.trim() || null,
        scale_code: form.scale.trim() || null,
      });
      setForm(empty);
      onCreated(p);
    });
  };
  return (
    <details class="panel">
      <summary>
        <strong>{t.products.create}</strong>
      </summary>
      <form onSubmit={submit} noValidate>
        <div class="form-grid">
          <Field label={t.products.sku} required value={form.sku} onValue={set('sku')} />
          <Field label={t.products.name} required value={form.name} onValue={set('name')} />
          <Field label={t.products.price} required inputMode="decimal" hint={t.products.priceHint} value={form.price} onValue={set('price')} />
          <Select
            label={t.products.category}
            value={form.category}
            onValue={set('category')}
            options={[{ value: '', label: t.products.noCategory }, ...categories.map((c) => ({ value: String(c.id), label: c.name }))]}
          />
          <Select label={t.products.taxClass} value={form.taxClass} onValue={set('taxClass')} options={TAX_CLASS_OPTIONS} />
          <Field label={t.products.description} value={form.description} onValue={set('description')} />
          <Field label={t.products.barcode} inputMode="numeric" hint={t.products.barcodeHint} value={form.barcode} onValue={set('barcode')} />
          <Field label={t.products.scaleCode} inputMode="numeric" hint={t.products.scaleCodeHint} value={form.scale} onValue={set('scale')} />
        </div>
        <Message kind="error">{error}</Message>
        <button type="submit" class="button" disabled={busy}>
          {t.products.createSubmit}
        </button>
      </form>
    </details>
  );
}
