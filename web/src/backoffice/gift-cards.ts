// What the gift-card screen checks before it calls sales (ADR 0152): the amount loaded on a new card.
import { parseMoney } from '../format';

/** The most a card may hold, as sales enforces it (5 000 $). */
export const MAX_GIFT_CARD_CENTS = 500_000;

/** The amount typed for a new card, in cents, or null when it is not an amount from 0 to 5 000 $. */
export function issueAmount(text: string): number | null {
  if (text.trim() === '') return null;
  const cents = parseMoney(text);
  return cents !== null && cents <= MAX_GIFT_CARD_CENTS ? cents : null;
}
