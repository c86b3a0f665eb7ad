/**
 * `npm run bench:cache [-- --json FILE] [--requests N] [--titles N] [--alpha A] [--seed S]`
 * Trace-driven simulation of one edge: object and byte hit ratios of the edge's real eviction policies
 * (server/edge/policies via ByteCache) and Belady's offline policy at 5, 10 and 20 % of the catalogue.
 * Also printed, as a yardstick: "static-oracle", the best fixed cache contents chosen knowing every object's
 * request count in the measured part of the trace (static-oracle.ts) — an upper bound for what frequency- or
 * popularity-based online policies can reach; the gap from it to Belady needs knowledge of *when* requests come.
 * And "session-oracle" (session-oracle.ts): knows the whole future of every session already started and each
 * object's realized popularity, but not the sessions yet to come — more than any online policy can know (CMCD
 * included), so the gap from it to Belady is what only knowing future arrivals can win.
 * Every simulator sees the same trace, counts the same requests (after the same warm-up) and the same bytes.
 */
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { ByteCache, createPolicy } from '../../server/edge/cache.ts';
import { POLICY_NAMES, type PolicyName } from '../../server/edge/policies/policy.ts';
import { DEFAULT_CACHE_POLICY } from '../../server/stack.ts';
import { DEFAULT_WORKLOAD, makeWorkload, type Request } from './workload.ts';
import { nextUses, simulateBelady } from './belady.ts';
import { simulateStaticOracle } from './static-oracle.ts';
import { simulateSessionOracle } from './session-oracle.ts';
import { HitTally, type HitCounts } from './hit-tally.ts';

const program = new Command('bench-cache')
  .option('--json <file>', 'also write the figures as JSON')
  .option('--requests <n>', 'requests in the trace', String(DEFAULT_WORKLOAD.requests))
  .option('--titles <n>', 'titles in the catalogue', String(DEFAULT_WORKLOAD.titles))
  .option('--alpha <a>', 'Zipf exponent of title popularity', String(DEFAULT_WORKLOAD.zipfAlpha))
  .option('--seed <n>', 'random seed', String(DEFAULT_WORKLOAD.seed))
  .parse();
const o = program.opts<{ json?: string; requests: string; titles: string; alpha: string; seed: string }>();

/** Runs the trace through the edge's ByteCache; ratios count requests from `measureFrom` on (after warm-up). */
function simulatePolicy(reqs: Request[], capacity: number, name: PolicyName, measureFrom: number) {
  const cache = new ByteCache<true>(capacity, createPolicy(name, capacity));
  const tally = new HitTally(measureFrom);
  for (let i = 0; i < reqs.length; i++) {
    const { key, size } = reqs[i]!;
    const hit = cache.get(key) !== undefined;
    if (!hit) cache.set(key, true, size);
    tally.count(i, size, hit);
  }
  return tally.result();
}

const t0 = Date.now();
const wl = makeWorkload({ ...DEFAULT_WORKLOAD, requests: Number(o.requests), titles: Number(o.titles), zipfAlpha: Number(o.alpha), seed: Number(o.seed) });
const next = nextUses(wl.requests);
const fractions = [0.05, 0.1, 0.2];
const warmup = Math.floor(wl.requests.length / 4); // the first quarter fills the caches and is not counted
const rows: Array<{ fraction: number; cacheBytes: number; policy: string; objectHitRatio: number; byteHitRatio: number }> = [];
const pct = (x: number) => (100 * x).toFixed(1).padStart(5);
const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;

console.log(`cache simulation: ${wl.requests.length} requests, ${wl.titles} titles (Zipf α=${o.alpha}), catalogue ${gib(wl.catalogueBytes)}, requested ${gib(wl.uniqueBytesRequested)} distinct`);
console.log(`default edge policy: ${DEFAULT_CACHE_POLICY}; ratios over the last 75 % of requests (first 25 % = warm-up)\n`);
console.log('cache  policy          object-hit  byte-hit');
for (const f of fractions) {
  const cap = Math.floor(wl.catalogueBytes * f);
  const results: Array<[string, HitCounts]> = POLICY_NAMES.map((p) => [p, simulatePolicy(wl.requests, cap, p, warmup)]);
  results.push(['static-oracle', simulateStaticOracle(wl.requests, cap, warmup)]);
  results.push(['session-oracle', simulateSessionOracle(wl.requests, cap, warmup)]);
  results.push(['belady', simulateBelady(wl.requests, cap, next, warmup)]);
  for (const [policy, r] of results) {
    const row = { fraction: f, cacheBytes: cap, policy, objectHitRatio: r.hits / r.requests, byteHitRatio: r.hitBytes / r.bytes };
    rows.push(row);
    console.log(`${String(f * 100).padStart(3)} %  ${policy.padEnd(14)}  ${pct(row.objectHitRatio)} %    ${pct(row.byteHitRatio)} %`);
  }
  console.log('');
}

const verdicts = fractions.map((f) => {
  const get = (p: string) => rows.find((r) => r.fraction === f && r.policy === p)!;
  const def = get(DEFAULT_CACHE_POLICY);
  const lru = get('lru');
  const bel = get('belady');
  return {
    fraction: f,
    defaultPolicy: DEFAULT_CACHE_POLICY,
    gapToBeladyPoints: 100 * (bel.byteHitRatio - def.byteHitRatio),
    aheadOfLruPoints: 100 * (def.byteHitRatio - lru.byteHitRatio),
    staticOracleBelowBeladyPoints: 100 * (bel.byteHitRatio - get('static-oracle').byteHitRatio),
    sessionOracleBelowBeladyPoints: 100 * (bel.byteHitRatio - get('session-oracle').byteHitRatio),
    withinFivePointsOfBelady: bel.byteHitRatio - def.byteHitRatio <= 0.05,
    notBelowLru: def.byteHitRatio >= lru.byteHitRatio,
  };
});
for (const v of verdicts) {
  console.log(
    `${String(v.fraction * 100).padStart(3)} %: ${v.defaultPolicy} is ${v.gapToBeladyPoints.toFixed(1)} points below Belady (target ≤ 5: ${v.withinFivePointsOfBelady ? 'met' : 'MISSED'}), ` +
      `${v.aheadOfLruPoints >= 0 ? '+' : ''}${v.aheadOfLruPoints.toFixed(1)} points vs LRU (target ≥ 0: ${v.notBelowLru ? 'met' : 'MISSED'}); ` +
      `static-oracle is ${v.staticOracleBelowBeladyPoints.toFixed(1)}, session-oracle ${v.sessionOracleBelowBeladyPoints.toFixed(1)} points below Belady`,
  );
}
console.log(
  '\nsession-oracle knows more than any edge can (the whole future of every viewer already watching); what it still\n' +
    'misses against Belady is the viewers yet to come (which title, which rung), which no online policy can know.',
);
console.log(`\n(${((Date.now() - t0) / 1000).toFixed(1)} s)`);
if (o.json) {
  writeFileSync(o.json, JSON.stringify({ workload: { ...DEFAULT_WORKLOAD, requests: wl.requests.length, titles: wl.titles, zipfAlpha: Number(o.alpha), seed: Number(o.seed), catalogueBytes: wl.catalogueBytes }, rows, verdicts }, null, 2));
  console.log(`figures written to ${o.json}`);
}
