// The receipt page of sales (ADR 0160) is a complete HTML document with its own <style>; the back office's
// Content-Security-Policy refuses inline styles, so only its <main class="receipt"> is shown, styled by our own
// style sheet (styles.css, `.receipt-sheet`). The document comes from our API and escapes every name it prints;
// DOMParser runs no script, and anything scripted is dropped besides.

/** The inner HTML of the receipt's <main>, without scripts or event attributes; '' when there is none. */
export function receiptBody(html: string): string {
  // The page's own <style> goes before parsing: Chromium reports even an inert document's inline style as a CSP
  // violation of the page that parses it.
  const doc = new DOMParser().parseFromString(html.replace(/<style[\s\S]*?<\/style\s*>/gi, ''), 'text/html');
  const main = doc.querySelector('main.receipt');
  if (!main) return '';
  for (const el of Array.from(main.querySelectorAll('script, style, iframe, object, embed, link'))) el.remove();
  for (const el of Array.from(main.querySelectorAll('*'))) {
    for (const attr of Array.from(el.attributes)) {
      if (attr.name.startsWith('on') || attr.name === 'style' || /^\s*javascript:/i.test(attr.value)) el.removeAttribute(attr.name);
    }
  }
  return main.innerHTML;
}

/** A receipt number as sales makes them: S<store>-<6 digits>. */
export function isReceiptNumber(text: string): boolean {
  return /^S\d{1,3}-\d{6,}$/.test(text.trim());
}
