// The cart the shop shows: a guest cart (its id kept in localStorage) until the shopper signs in, then the
// shopper's own cart, into which the guest cart is merged. Totals always come from the cart service, which
// re-prices every answer: the screen never computes money.
import { computed, signal } from '@preact/signals';
import { ApiError } from '../api/client';
import { carts } from '../api/shop';
import { shopper } from '../api/session';
import type { Cart } from '../api/types';

const GUEST_KEY = 'comptoir.guest-cart';

export const cart = signal<Cart | null>(null);
export const itemCount = computed(() => cart.value?.item_count ?? 0);

function guestId(): string | null {
  return localStorage.getItem(GUEST_KEY);
}

/** Loads the cart to show: the shopper's, or the guest's if there is one (nothing is created to look). */
export async function loadCart(): Promise<Cart | null> {
  if (shopper.signedIn.value) {
    cart.value = await carts.mine();
    return cart.value;
  }
  const id = guestId();
  if (!id) {
    cart.value = null;
    return null;
  }
  try {
    cart.value = await carts.get(id);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      // Expired after a week without changes: start afresh.
      localStorage.removeItem(GUEST_KEY);
      cart.value = null;
    } else {
      throw e;
    }
  }
  return cart.value;
}

async function currentId(): Promise<string> {
  if (cart.value) return cart.value.id;
  if (shopper.signedIn.value) return (await carts.mine()).id;
  const id = guestId();
  if (id) return id;
  const created = await carts.create();
  localStorage.setItem(GUEST_KEY, created.id);
  return created.id;
}

export async function addToCart(productId: number, quantity: number): Promise<Cart> {
  let id = await currentId();
  try {
    cart.value = await carts.add(id, productId, quantity);
  } catch (e) {
    // A guest cart that expired in the meantime: one new cart, once.
    if (!(e instanceof ApiError && e.status === 404) || shopper.signedIn.value) throw e;
    localStorage.removeItem(GUEST_KEY);
    cart.value = null;
    id = await currentId();
    cart.value = await carts.add(id, productId, quantity);
  }
  return cart.value;
}

export async function setQuantity(productId: number, quantity: number): Promise<Cart> {
  const id = await currentId();
  cart.value = await carts.set(id, productId, quantity);
  return cart.value;
}

export async function removeLine(productId: number): Promise<Cart> {
  const id = await currentId();
  cart.value = await carts.remove(id, productId);
  return cart.value;
}

/** After sign-in: the guest cart joins the shopper's (quantities sum, capped by stock). True if it had items. */
export async function mergeGuestCart(): Promise<boolean> {
  const id = guestId();
  let merged = false;
  if (id) {
    try {
      const guest = await carts.get(id);
      if (guest.items.length > 0) {
        cart.value = await carts.merge(id);
        merged = true;
      }
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
    }
    localStorage.removeItem(GUEST_KEY);
  }
  if (!merged) cart.value = await carts.mine();
  return merged;
}

/** After sign-out: the shopper's cart stays with the account; the browser shows an empty one. */
export function forgetCart(): void {
  cart.value = null;
}
