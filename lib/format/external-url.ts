/**
 * A link target from stored data (Stripe's hosted invoice page, its PDF) that is safe to put
 * in an href: only absolute http(s) URLs pass; anything else (javascript:, data:, relative,
 * malformed) is null, and the caller shows no link.
 */
export function safeExternalUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.toString() : null;
  } catch {
    return null;
  }
}
