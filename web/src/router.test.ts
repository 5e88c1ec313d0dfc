import { describe, expect, it } from 'vitest';
import { location, match, navigate, onLinkClick } from './router';

describe('match', () => {
  it('matches patterns with parameters', () => {
    expect(match('/produits/:id', '/produits/7')).toEqual({ id: '7' });
    expect(match('/commandes/:id', '/commandes/a%20b')).toEqual({ id: 'a b' });
    expect(match('/produits/:id', '/produits')).toBeNull();
    expect(match('/produits/:id', '/panier/7')).toBeNull();
    expect(match('/commandes/:id', '/commandes/%E0%A4%A')).toBeNull();
  });
});

describe('links', () => {
  function click(href: string, init: MouseEventInit = {}) {
    const a = document.createElement('a');
    a.setAttribute('href', href);
    a.textContent = 'x';
    document.body.append(a);
    const event = new MouseEvent('click', { bubbles: true, cancelable: true, button: 0, ...init });
    Object.defineProperty(event, 'target', { value: a });
    onLinkClick(event);
    a.remove();
    return event.defaultPrevented;
  }

  it('takes same-site links without reloading', () => {
    expect(click('/panier')).toBe(true);
    expect(location.value.path).toBe('/panier');
  });
  it('leaves the rest to the browser', () => {
    expect(click('https://example.com/')).toBe(false);
    expect(click('//evil.example/')).toBe(false);
    expect(click('/api/v1/products')).toBe(false);
    expect(click('/panier', { ctrlKey: true })).toBe(false);
    expect(click('/panier', { button: 1 })).toBe(false);
  });
  it('navigates with its query', () => {
    navigate('/?q=caf%C3%A9&categorie=3');
    expect(location.value.path).toBe('/');
    expect(location.value.query.get('q')).toBe('café');
  });
});
