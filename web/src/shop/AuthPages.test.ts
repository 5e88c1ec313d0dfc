import { beforeEach, describe, expect, it, vi } from 'vitest';

let finishMerge: () => void = () => undefined;
vi.mock('./cart-state', () => ({
  mergeGuestCart: () => new Promise<void>((resolve) => (finishMerge = resolve)),
}));

const { afterSignIn, safeReturn } = await import('./AuthPages');
const { location, navigate } = await import('../router');

describe('after sign-in', () => {
  beforeEach(() => navigate('/connexion?retour=%2Fpanier'));

  it('goes back where the shopper came from once the guest cart is merged', async () => {
    const done = afterSignIn('/panier');
    expect(location.value.path).toBe('/connexion');
    finishMerge();
    await done;
    expect(location.value.path).toBe('/panier');
  });

  it('leaves a shopper who searched while the merge ran where they went', async () => {
    const done = afterSignIn('/panier');
    navigate('/?q=veste');
    finishMerge();
    await done;
    expect(location.value.path).toBe('/');
    expect(location.value.query.get('q')).toBe('veste');
  });

  it('only returns to same-site paths', () => {
    expect(safeReturn('//evil.example')).toBe('/');
    expect(safeReturn('https://evil.example')).toBe('/');
    expect(safeReturn('/paiement')).toBe('/paiement');
  });
});
