/**
 * Pool-size advice under Dorfman two-stage pooling: k people share a tube; a positive tube sends each of them to an
 * individual test. With per-person positivity p (independent), the expected tests per person are
 *   E(k) = 1/k + 1 − (1 − p)^k   (k ≥ 2),   and 1 for individual testing.
 * The advice is the k in 2..max that minimises E, or individual testing (k = 1) when no pool beats 1 test each —
 * from p ≈ 0.31 on, pooling never pays.
 */

export interface PoolAdvice {
  /** 1 = test individually */
  poolSize: number;
  /** expected tests per person at that size */
  testsPerPerson: number;
}

/** Expected tests per person with pools of `k` at positivity `p` (k = 1: individual). */
export function testsPerPerson(k: number, p: number): number {
  if (k <= 1) return 1;
  return 1 / k + 1 - (1 - p) ** k;
}

/** The pool size minimising tests per person at positivity `p`, capped by `max`. */
export function advisePoolSize(p: number, max: number): PoolAdvice {
  const prevalence = Math.min(1, Math.max(0, Number.isFinite(p) ? p : 0));
  let best: PoolAdvice = { poolSize: 1, testsPerPerson: 1 };
  for (let k = 2; k <= max; k++) {
    const e = testsPerPerson(k, prevalence);
    if (e < best.testsPerPerson - 1e-12) best = { poolSize: k, testsPerPerson: e };
  }
  return { poolSize: best.poolSize, testsPerPerson: Math.round(best.testsPerPerson * 10_000) / 10_000 };
}

/**
 * Per-person positivity from a commune's recent results: individual positives, plus one per positive pool (a
 * positive pool holds at least one positive person; counting one is the conservative estimate), over people tested.
 */
export function estimatePositivity(counts: { people: number; positivePeople: number; positivePools: number }): number {
  if (counts.people <= 0) return 0;
  return Math.min(1, (counts.positivePeople + counts.positivePools) / counts.people);
}
