// Client-side routes on the History API: a signal holds the current location; links and forms navigate
// without reloading; after each navigation the page's heading takes the focus (screen readers announce it).
import { signal } from '@preact/signals';

export interface Location {
  path: string;
  query: URLSearchParams;
}

function read(): Location {
  if (typeof window === 'undefined') return { path: '/', query: new URLSearchParams() };
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

export const location = signal<Location>(read());
/** True from a navigation until the new page has taken the focus (not on the first load). */
let focusPending = false;

export function navigate(href: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  focusPending = true;
  location.value = read();
  window.scrollTo?.(0, 0);
}

if (typeof window !== 'undefined') {
  window.addEventListener('popstate', () => {
    focusPending = true;
    location.value = read();
  });
}

/** Matches `/produits/:id` against `/produits/7` → {id: "7"}; null when it does not match. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const part = p[i] as string;
    const seg = s[i] as string;
    if (part.startsWith(':')) {
      try {
        params[part.slice(1)] = decodeURIComponent(seg);
      } catch {
        return null;
      }
    } else if (part !== seg) {
      return null;
    }
  }
  return params;
}

/** A click on a same-site link that the router can take (not a new tab, not a download). */
export function onLinkClick(event: MouseEvent): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
    return;
  }
  const a = (event.target as Element | null)?.closest?.('a');
  if (!a || a.target || a.hasAttribute('download')) return;
  const href = a.getAttribute('href');
  if (!href || !href.startsWith('/') || href.startsWith('//') || href.startsWith('/api/')) return;
  event.preventDefault();
  navigate(href);
}

/** Sets the document title and moves the focus to the page's main heading. */
export function announce(title: string): void {
  document.title = title;
  if (!focusPending) return;
  focusPending = false;
  queueMicrotask(() => {
    const h1 = document.querySelector<HTMLElement>('main h1');
    if (h1) {
      h1.tabIndex = -1;
      h1.focus({ preventScroll: true });
    }
  });
}
