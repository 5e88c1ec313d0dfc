// The barcode rules of ADR 0170, to say at once what is wrong in the product form (product checks again).

/** The GS1 mod-10 check digit of `digits` (weights 3, 1, 3, … from the right). */
export function gs1CheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = digits.charCodeAt(digits.length - 1 - i) - 48;
    sum += i % 2 === 0 ? 3 * d : d;
  }
  return (10 - (sum % 10)) % 10;
}

/** Why `code` is not a product barcode (null: it is): 12 or 13 digits, the right check digit, not an in-store code. */
export function barcodeProblem(code: string): string | null {
  if (!/^\d+$/.test(code)) return 'chiffres seulement';
  if (code.length !== 12 && code.length !== 13) return '13 chiffres (EAN-13) ou 12 (UPC-A)';
  const gtin = code.length === 12 ? `0${code}` : code;
  const expected = gs1CheckDigit(gtin.slice(0, 12));
  if (Number(gtin[12]) !== expected) return `le chiffre de contrôle devrait être ${expected}`;
  if (gtin[0] === '2' || gtin.startsWith('02')) return 'les codes 02 et 20 à 29 sont ceux des balances : donnez un code de balance';
  return null;
}
