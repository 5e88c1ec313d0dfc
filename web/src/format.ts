// Money stays integer cents until it is shown here: "1 299,99 $" (French: comma for decimals, a
// no-break space between thousands and before the dollar sign), never through floating point.
const NBSP = '\u00a0';

export function money(cents: number): string {
  if (!Number.isSafeInteger(cents)) return '—';
  const negative = cents < 0;
  const abs = Math.abs(cents);
  const dollars = Math.floor(abs / 100).toString();
  const rest = (abs % 100).toString().padStart(2, '0');
  const grouped = dollars.replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
  return `${negative ? '-' : ''}${grouped},${rest}${NBSP}$`;
}

/** Parses what a person types as a price ("12,99", "12.99", "1 299", "12,9 $") into cents; null if it is not one. */
export function parseMoney(text: string): number | null {
  const cleaned = text.replace(/[\s\u00a0\u202f$]/g, '').replace(',', '.');
  const m = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!m) return null;
  const whole = Number(m[1]);
  const fraction = m[2] ? Number(m[2].padEnd(2, '0')) : 0;
  return whole * 100 + fraction;
}

/** A cents amount as an editable text ("12,99"), the inverse of parseMoney. */
export function moneyInput(cents: number): string {
  return `${Math.floor(cents / 100)},${(cents % 100).toString().padStart(2, '0')}`;
}

const TIME_ZONE = 'America/Toronto';
const dateTimeFormat = new Intl.DateTimeFormat('fr-CA', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: TIME_ZONE,
});
const dayFormat = new Intl.DateTimeFormat('fr-CA', { weekday: 'short', day: 'numeric', timeZone: 'UTC' });

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : dateTimeFormat.format(d);
}

/** A business day "2026-11-25" as "mer. 25". */
export function day(isoDay: string): string {
  const d = new Date(`${isoDay}T12:00:00Z`);
  return Number.isNaN(d.getTime()) ? isoDay : dayFormat.format(d);
}

/** A trend in percent, one decimal, with its sign: "+2,8 %", "-1,0 %", "—" when unknown. */
export function percent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const text = Math.abs(value).toFixed(1).replace('.', ',');
  return `${value > 0 ? '+' : value < 0 ? '-' : ''}${text}${NBSP}%`;
}

/** Lower case, without accents: "Thé Vert" and "the vert" compare equal. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}
