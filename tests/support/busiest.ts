/**
 * The most events within any window of `perMs` (sliding): how the rate-limit tests read a
 * run of sends or calls, as WhatsApp or Teams would count them.
 */
export function busiest(times: readonly number[], perMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[i] as number) - (sorted[j] as number) >= perMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}
