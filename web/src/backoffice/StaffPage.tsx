import { useState } from 'preact/hooks';
import { staffAccounts } from '../api/office';
import type { Role, Staff } from '../api/types';
import { dateTime } from '../format';
import { errorMessage, t } from '../strings';
import { Failure, Field, Loading, Message, Select, Status, useAsync, usePageTitle, useSubmit } from '../ui/components';
import { nameOf, stores, useLocations } from './shared';

type Note = { text: string; error: boolean } | null;
const ROLES: Role[] = ['cashier', 'logistics', 'manager', 'admin'];

export function StaffPage() {
  usePageTitle(`${t.staffPage.title} — ${t.office.title}`);
  const list = useAsync(() => staffAccounts.list().then((p) => p.data), []);
  const locations = useLocations();
  const [note, setNote] = useState<Note>(null);
  const storeOptions = stores(locations.data).map((l) => ({ value: String(l.id), label: l.name }));
  const replace = (s: Staff) => list.set((list.data ?? []).map((x) => (x.id === s.id ? s : x)));

  return (
    <section>
      <h1>{t.staffPage.title}</h1>
      <Status text={note?.text ?? null} error={note?.error} />
      <CreateStaff
        storeOptions={storeOptions}
        onCreated={(s) => {
          list.set([...(list.data ?? []), s]);
          setNote({ text: t.staffPage.created(s.email), error: false });
        }}
      />
      {list.error ? (
        <Failure error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : (
        <div class="table-wrap">
          <table class="list">
            <thead>
              <tr>
                <th scope="col">{t.staffPage.name}</th>
                <th scope="col">{t.staffPage.email}</th>
                <th scope="col">{t.staffPage.role}</th>
                <th scope="col">{t.staffPage.store}</th>
                <th scope="col">{t.staffPage.state}</th>
                <th scope="col">{t.staffPage.actions}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((s) => (
                <StaffRow key={s.id} member={s} store={s.location_id ? nameOf(locations.data, s.location_id) : t.staffPage.noStore} storeOptions={storeOptions} onChanged={replace} onNote={setNote} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function StaffRow({
  member,
  store,
  storeOptions,
  onChanged,
  onNote,
}: {
  member: Staff;
  store: string;
  storeOptions: { value: string; label: string }[];
  onChanged: (s: Staff) => void;
  onNote: (n: Note) => void;
}) {
  const [roleValue, setRoleValue] = useState<Role>(member.role);
  const [storeValue, setStoreValue] = useState(member.location_id ? String(member.location_id) : storeOptions[0]?.value ?? '');
  const [busy, setBusy] = useState(false);
  const active = member.active;
  const act = async (work: () => Promise<Staff>, text: string | (() => string)) => {
    setBusy(true);
    try {
      onChanged(await work());
      onNote({ text: typeof text === 'string' ? text : text(), error: false });
    } catch (e) {
      onNote({ text: errorMessage(e), error: true });
    } finally {
      setBusy(false);
    }
  };
  const fullName = `${member.first_name} ${member.last_name}`;
  return (
    <tr>
      <th scope="row" data-label={t.staffPage.name}>
        {fullName}
      </th>
      <td data-label={t.staffPage.email}>{member.email}</td>
      <td data-label={t.staffPage.role}>{t.roles[member.role]}</td>
      <td data-label={t.staffPage.store}>{store}</td>
      <td data-label={t.staffPage.state}>
        <span class={`badge ${active ? 'status-delivered' : 'status-cancelled'}`}>{active ? t.staffPage.active : t.staffPage.disabled}</span>
      </td>
      <td data-label={t.staffPage.actions}>
        <div class="actions">
          <form
            class="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              void act(
                // A cashier names a store; other roles take theirs from the role (logistics: the centre).
                () => staffAccounts.update(member.id, roleValue === 'cashier' ? { role: roleValue, location_id: Number(storeValue) } : { role: roleValue }),
                t.staffPage.updated(member.email),
              );
            }}
          >
            <Select
              label={`${t.staffPage.role} — ${fullName}`}
              value={roleValue}
              onValue={(v) => setRoleValue(v as Role)}
              options={ROLES.map((r) => ({ value: r, label: t.roles[r] }))}
            />
            {roleValue === 'cashier' && (
              <Select label={`${t.staffPage.store} — ${fullName}`} value={storeValue} onValue={setStoreValue} options={storeOptions} />
            )}
            <button type="submit" class="button secondary small" disabled={busy}>
              {t.staffPage.changeRole}
            </button>
          </form>
          <button
            type="button"
            class={`button small ${active ? 'danger' : ''}`}
            disabled={busy}
            onClick={() => act(() => staffAccounts.update(member.id, { active: !active }), t.staffPage.updated(member.email))}
          >
            {active ? t.staffPage.disable : t.staffPage.enable}
          </button>
          <button
            type="button"
            class="button secondary small"
            disabled={busy}
            onClick={() => {
              let code = '';
              let until = '';
              void act(
                async () => {
                  const reset = await staffAccounts.resetPassword(member.id);
                  code = reset.reset_token;
                  until = dateTime(reset.expires_at);
                  return member;
                },
                () => t.staffPage.resetDone(member.email, code, until),
              );
            }}
          >
            {t.staffPage.resetPassword}
          </button>
        </div>
      </td>
    </tr>
  );
}

function CreateStaff({ storeOptions, onCreated }: { storeOptions: { value: string; label: string }[]; onCreated: (s: Staff) => void }) {
  const empty = { email: '', first_name: '', last_name: '', password: '', role: 'cashier' as Role, store: '' };
  const [form, setForm] = useState(empty);
  const { busy, error, setError, run } = useSubmit();
  const set = (k: keyof typeof form) => (v: string) => setForm({ ...form, [k]: v });
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const store = form.store || storeOptions[0]?.value;
    if (form.role === 'cashier' && !store) {
      setError(t.staffPage.storeRequired);
      return;
    }
    await run(async () => {
      const s = await staffAccounts.create({
        email: form.email.trim(),
        first_name: form.first_name.trim(),
        last_name: form.last_name.trim(),
        password: form.password,
        role: form.role,
        location_id: form.role === 'cashier' ? Number(store) : null,
      });
      setForm(empty);
      onCreated(s);
    });
  };
  return (
    <details class="panel">
      <summary>
        <strong>{t.staffPage.create}</strong>
      </summary>
      <form onSubmit={submit} noValidate>
        <div class="form-grid">
          <Field label={t.auth.firstName} required value={form.first_name} onValue={set('first_name')} />
          <Field label={t.auth.lastName} required value={form.last_name} onValue={set('last_name')} />
          <Field label={t.staffPage.email} type="email" required value={form.email} onValue={set('email')} />
          <Field label={t.staffPage.password} type="password" autoComplete="new-password" required hint={t.auth.passwordHint} value={form.password} onValue={set('password')} />
          <Select label={t.staffPage.role} value={form.role} onValue={set('role')} options={ROLES.map((r) => ({ value: r, label: t.roles[r] }))} />
          {form.role === 'cashier' && <Select label={t.staffPage.store} value={form.store || storeOptions[0]?.value || ''} onValue={set('store')} options={storeOptions} />}
        </div>
        <Message kind="error">{error}</Message>
        <button type="submit" class="button" disabled={busy}>
          {t.staffPage.createSubmit}
        </button>
      </form>
    </details>
  );
}
