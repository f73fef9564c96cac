/** What a locked-out password sign-in is told. Pure: the sign-in page and its action use it. */
export function lockedOutMessage(retryAfterSeconds: number | null, magicLink: boolean): string {
  const minutes =
    retryAfterSeconds === null ? null : Math.max(1, Math.ceil(retryAfterSeconds / 60));
  const when =
    minutes === null ? "later" : `in ${minutes === 1 ? "a minute" : `${minutes} minutes`}`;
  return `Too many failed sign-in attempts. Try again ${when}${
    magicLink ? ", or use a sign-in link (below)" : ""
  }.`;
}
