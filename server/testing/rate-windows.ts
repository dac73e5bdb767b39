/**
 * The most calls in any window [t_i, t_j] of `times` (ms) minus what a token bucket allows in it
 * (capacity + refill × window): ≤ 0 means the calls stayed within the bucket.
 */
export function worstExcess(times: number[], capacity: number, refillPerSecond: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let worst = -Infinity;
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i; j < sorted.length; j++) worst = Math.max(worst, j - i + 1 - (capacity + (refillPerSecond * (sorted[j]! - sorted[i]!)) / 1000));
  }
  return worst;
}
