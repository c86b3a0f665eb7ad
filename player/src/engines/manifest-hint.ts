/**
 * A manifest download as a start hint. A few-kB playlist is all round trip, so its rate says nothing
 * about bandwidth (it would start every session at the bottom): below MIN_MANIFEST_HINT_BYTES we give
 * no hint and the rule uses the last session's estimate or its default.
 */
export const MIN_MANIFEST_HINT_BYTES = 16_000;
export function manifestHintBps(bytes: number, ms: number): number | undefined {
  if (!(bytes >= MIN_MANIFEST_HINT_BYTES) || !(ms > 0)) return undefined;
  return (bytes * 8 * 1000) / ms;
}
