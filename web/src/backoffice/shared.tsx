// What several back-office screens need: who is signed in, the locations, product names, role rules.
import { staff } from '../api/session';
import { inventory, products } from '../api/office';
import type { Location, Product, Role } from '../api/types';
import { useAsync } from '../ui/components';

export function role(): Role | null {
  const r = staff.claims()?.role;
  return r === 'cashier' || r === 'logistics' || r === 'manager' || r === 'admin' ? r : null;
}
export function myLocation(): number | null {
  return staff.claims()?.location_id ?? null;
}

/** The screens of the back office and who may open them (the services check again, always). */
export const SECTIONS = {
  dashboard: { path: '/gestion/tableau-de-bord', roles: ['manager', 'admin'] },
  products: { path: '/gestion/produits', roles: ['manager', 'admin'] },
  promotions: { path: '/gestion/promotions', roles: ['manager', 'admin'] },
  stock: { path: '/gestion/stock', roles: ['cashier', 'logistics', 'manager', 'admin'] },
  restock: { path: '/gestion/reapprovisionnement', roles: ['cashier', 'logistics', 'manager', 'admin'] },
  transfers: { path: '/gestion/transferts', roles: ['cashier', 'logistics', 'manager', 'admin'] },
  counts: { path: '/gestion/inventaires', roles: ['logistics', 'manager', 'admin'] },
  sales: { path: '/gestion/ventes', roles: ['cashier', 'manager', 'admin'] },
  registers: { path: '/gestion/caisses', roles: ['cashier', 'manager', 'admin'] },
  giftCards: { path: '/gestion/cartes-cadeaux', roles: ['cashier', 'manager', 'admin'] },
  onlineOrders: { path: '/gestion/commandes', roles: ['logistics', 'manager', 'admin'] },
  staff: { path: '/gestion/personnel', roles: ['admin'] },
  operations: { path: '/gestion/exploitation', roles: ['manager', 'admin'] },
  password: { path: '/gestion/mot-de-passe', roles: ['cashier', 'logistics', 'manager', 'admin'] },
} as const satisfies Record<string, { path: string; roles: readonly Role[] }>;
export type Section = keyof typeof SECTIONS;

export function allowed(section: Section, r: Role | null = role()): boolean {
  return r !== null && (SECTIONS[section].roles as readonly Role[]).includes(r);
}

export function useLocations() {
  return useAsync(() => inventory.locations().then((p) => p.data), []);
}

export function useProducts() {
  return useAsync(() => products.list({ active: 'all' }).then((p) => p.data), []);
}

export function nameOf(list: { id: number; name: string }[] | undefined, id: number | null | undefined): string {
  if (id === null || id === undefined) return '—';
  return list?.find((x) => x.id === id)?.name ?? `#${id}`;
}

export function stores(locations: Location[] | undefined): Location[] {
  return (locations ?? []).filter((l) => l.type === 'store');
}

export function productOptions(list: Product[] | undefined) {
  return (list ?? []).filter((p) => p.active).map((p) => ({ value: String(p.id), label: p.name }));
}
