/**
 * `npm run bench:abr` as a user runs it: the real CLI in a child process on a
 * trace folder in Pensieve's format (generated here, so the test needs no
 * ../shared), with --algo, --json and --html. Checks the JSON shape the issue
 * specifies, the per-trace rows, the paired statistics and that the HTML
 * report stands alone.
 */

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticTraces } from '../../bench/abr-lab/synthetic-traces.ts';
import { formatPaired, formatPairedBrief, meanAndSe, meanPerSource, pairedDifference, pairedWithoutLargest } from '../../bench/abr-lab/paired-stats.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/abr-lab/bench-abr.ts', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => res({ code, stdout, stderr }));
  });
}

describe('paired statistics (pure)', () => {
  it('mean and standard error by hand', () => {
    const m = meanAndSe([1, 2, 3, 4]);
    expect(m.mean).toBe(2.5);
    // sample sd = √(5/3), se = sd / 2
    expect(m.se).toBeCloseTo(Math.sqrt(5 / 3) / 2, 12);
    expect(meanAndSe([7]).se).toBe(0);
  });

  it('paired difference: wins, losses, and the trace that carries the mean', () => {
    const p = pairedDifference([1, 1, 1, -1], [0.9, 1, 1.1, 1], ['a', 'b', 'c', 'd']);
    expect(p.mean).toBeCloseTo((0.1 + 0 - 0.1 - 2) / 4, 12);
    expect([p.better, p.worse]).toEqual([1, 2]);
    expect(p.largestTrace).toBe('d');
    expect(p.largestShare).toBeCloseTo(-0.5, 12);
    expect(formatPaired(p)).toMatch(/^−0\.500 ± 0\.\d{3} \(better on 1 \/ worse on 2 traces; largest: d, −0\.500 of the mean\)$/);
    expect(() => pairedDifference([1], [1, 2], ['a'])).toThrow(/same traces/);
  });

  it('without the trace that moves most: the rest of the traces, paired as before (what the tuning harness reads)', () => {
    // d: +0.1, 0, −0.1, −2 (trace d carries the mean); without d: +0.1, 0, −0.1.
    const rest = pairedWithoutLargest([1, 1, 1, -1], [0.9, 1, 1.1, 1], ['a', 'b', 'c', 'd']);
    expect(rest.n).toBe(3);
    expect(rest.mean).toBeCloseTo(0, 12);
    expect([rest.better, rest.worse]).toEqual([1, 1]);
    expect(rest.largestTrace).not.toBe('d');
    // A gain carried by one trace disappears without it.
    const luck = pairedWithoutLargest([1, 1, 3], [1, 1, 1], ['x', 'y', 'z']);
    expect([luck.mean, luck.n, luck.better]).toEqual([0, 2, 0]);
    expect(formatPairedBrief(pairedDifference([1, 1, 3], [1, 1, 1], ['x', 'y', 'z']))).toMatch(/^\+0\.6667 ± 0\.6667 \(1 \/ 0\)$/);
    expect(formatPairedBrief(rest)).toMatch(/^[+−]0\.0000 ± 0\.0577 \(1 \/ 1\)$/);
    expect(() => pairedWithoutLargest([1], [1, 2], ['a'])).toThrow(/same traces/);
  });

  it('sessions cut from one log count once: values averaged per source (the name before @), in order of first appearance', () => {
    const m = meanPerSource([1, 2, 4, 3, 10], ['b@0s', 'a@40s', 'b@40s', 'a@0s', 'c']);
    expect(m.names).toEqual(['b', 'a', 'c']);
    expect(m.values).toEqual([2.5, 2.5, 10]);
    expect(() => meanPerSource([1], [])).toThrow(/1 values for 0 names/);
  });
});

describe('bench:abr CLI on a trace folder', () => {
  let dir: string;
  const setName = 'generated_set';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'abr-cli-'));
    const traceDir = join(dir, setName);
    mkdirSync(traceDir);
    for (const t of syntheticTraces(4, 11)) {
      writeFileSync(join(traceDir, t.name), t.timeSec.map((x, i) => `${x}\t${t.mbps[i]}`).join('\r\n') + '\r\n');
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the table with standard errors and the paired comparison, writes --json and --html', async () => {
    const json = join(dir, 'out', 'lab.json');
    const html = join(dir, 'out', 'lab.html');
    const r = await run(['--traces', join(dir, setName), '--algo', 'ours,bba,hlsjs', '--json', json, '--html', html]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${setName} (4 traces)`);
    expect(r.stdout).toMatch(/algorithm\s+QoE_lin\s+± s\.e\.\s+QoE_log\s+QoE_hd\s+kb\/s\s+rebuf s\s+switches/);
    expect(r.stdout).toMatch(/ours − other, QoE_lin per trace/);
    expect(r.stdout).toMatch(/\n {2}bba\s+[+−]\d\.\d{3} ± \d\.\d{3} \(better on \d \/ worse on \d traces; largest: /);

    const out = JSON.parse(readFileSync(json, 'utf8'));
    const algos = ['ours', 'bba', 'hlsjs'];
    expect(Object.keys(out.sets)).toEqual([setName]);
    for (const a of algos) {
      const row = out.sets[setName][a];
      expect(Object.keys(row).sort()).toEqual(['bitrate_kbps', 'qoe_hd', 'qoe_lin', 'qoe_log', 'rebuffer_s', 'switches']);
      for (const v of Object.values(row)) expect(Number.isFinite(v)).toBe(true);
    }
    expect(out.traces).toHaveLength(4 * algos.length);
    // The set's figures are the means of its per-trace rows.
    for (const a of algos) {
      const rows = out.traces.filter((t: { algo: string }) => t.algo === a);
      const mean = rows.reduce((s: number, t: { qoe_lin: number }) => s + t.qoe_lin, 0) / rows.length;
      expect(out.sets[setName][a].qoe_lin).toBeCloseTo(mean, 9);
      expect(out.stats[setName].qoe_lin_se[a]).toBeCloseTo(meanAndSe(rows.map((t: { qoe_lin: number }) => t.qoe_lin)).se, 9);
    }
    // ours − bba per trace, from the rows.
    const q = (a: string) => out.traces.filter((t: { algo: string }) => t.algo === a).map((t: { qoe_lin: number }) => t.qoe_lin);
    const expected = pairedDifference(q('ours'), q('bba'), out.traces.filter((t: { algo: string }) => t.algo === 'ours').map((t: { trace: string }) => t.trace));
    expect(out.stats[setName].ours_minus.bba.mean).toBeCloseTo(expected.mean, 9);
    expect(out.stats[setName].ours_minus.bba.largestTrace).toBe(expected.largestTrace);
    expect(out.stats[setName].ours_minus.ours).toBeUndefined();

    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!doctype html>/i);
    expect(page).toContain('<svg');
    for (const a of algos) expect(page).toContain(a);
    expect(page).toContain('<th>QoE_lin ± s.e.</th>');
    expect(page).toMatch(/<li>ours − bba: [+−]\d\.\d{3} ± \d\.\d{3} \(better on/);
    // Self-contained: nothing fetched from elsewhere.
    expect(page).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']?(https?:)?\/\//i);
  }, 120_000);

  it('--threads 1 (all in one thread) and --threads 2 (worker threads) write the same figures', async () => {
    const one = join(dir, 'out', 'one-thread.json');
    const two = join(dir, 'out', 'two-threads.json');
    const args = ['--traces', join(dir, setName), '--algo', 'ours,robustmpc,bola'];
    const r1 = await run([...args, '--threads', '1', '--json', one]);
    const r2 = await run([...args, '--threads', '2', '--json', two]);
    expect(r1.code, r1.stderr).toBe(0);
    expect(r2.code, r2.stderr).toBe(0);
    expect(r1.stderr).toMatch(/\d+ jobs? on 1 thread: \d+ ms/);
    // Not a terminal: one progress line per (set, algorithm) as it completes, with the share done and the time left.
    for (const r of [r1, r2]) {
      for (const a of ['ours', 'robustmpc', 'bola']) expect(r.stderr).toMatch(new RegExp(`^  ${setName} ${a}: \\d+ ms of work \\([1-3]/3 done, \\d+ %, ETA \\d+:\\d\\d\\)$`, 'm'));
      expect(r.stderr).toMatch(/\(3\/3 done, 100 %, ETA 0:00\)/);
    }
    expect(r2.stderr).toMatch(/\d+ jobs on 2 threads: \d+ ms/);
    expect(readFileSync(two, 'utf8')).toBe(readFileSync(one, 'utf8'));
    expect(r2.stdout.replace(/\nwrote .*/g, '')).toBe(r1.stdout.replace(/\nwrote .*/g, ''));
  }, 120_000);

  it('--abandon says loudly that its figures are not Pensieve\'s model and records what was given up', async () => {
    const json = join(dir, 'out', 'abandon.json');
    const r = await run(['--traces', join(dir, setName), '--algo', 'ours,bba', '--abandon', '--json', json]);
    const plain = JSON.parse(readFileSync(join(dir, 'out', 'lab.json'), 'utf8'));
    expect(plain.traces[0]).not.toHaveProperty('abandons');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/with --abandon: .*NOT comparable with published results/);
    const out = JSON.parse(readFileSync(json, 'utf8'));
    expect(Object.keys(out.sets[setName]).sort()).toEqual(['bba', 'ours']);
    // Per-trace rows count the downloads given up; the baselines have no abandonment.
    for (const row of out.traces) expect(Number.isInteger(row.abandons)).toBe(true);
    expect(out.traces.filter((t: { algo: string }) => t.algo === 'bba').every((t: { abandons: number }) => t.abandons === 0)).toBe(true);
  }, 60_000);

  it('--algo …,optimal adds the offline optimum and each algorithm\'s share of it (table, JSON, HTML)', async () => {
    const json = join(dir, 'out', 'optimal.json');
    const html = join(dir, 'out', 'optimal.html');
    // Two worker threads whatever the machine's cores, so the searches run in the pool (lab-pool.ts).
    const r = await run(['--traces', join(dir, setName), '--algo', 'ours,bba,optimal', '--threads', '2', '--json', json, '--html', html]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\noptimal\s+\d\.\d{3}/);
    const out = JSON.parse(readFileSync(json, 'utf8'));
    const sets = out.sets[setName];
    const share = out.stats[setName].share_of_optimum;
    expect(Object.keys(share).sort()).toEqual(['bba', 'ours']);
    for (const a of ['ours', 'bba']) {
      expect(share[a]).toBeCloseTo(sets[a].qoe_lin / sets.optimal.qoe_lin, 9);
      expect(share[a]).toBeLessThanOrEqual(1 + 1e-9);
      expect(r.stdout).toContain(`${a} ${(100 * share[a]).toFixed(1)} %`);
    }
    // The optimum is at least each algorithm on each trace, not only on the mean.
    const rows = (a: string) => out.traces.filter((t: { algo: string }) => t.algo === a);
    rows('optimal').forEach((o: { trace: string; qoe_lin: number }, i: number) => {
      for (const a of ['ours', 'bba']) expect(o.qoe_lin).toBeGreaterThanOrEqual(rows(a)[i].qoe_lin - 1e-9);
    });
    expect(readFileSync(html, 'utf8')).toMatch(/Share of the offline optimum[^<]*: ours \d+\.\d %/);
  }, 120_000);

  it('rejects an unknown algorithm, a bad thread count, an empty and a missing trace folder with one clear line (exit 2)', async () => {
    const bad = await run(['--traces', join(dir, setName), '--algo', 'ours,nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toMatch(/^bench:abr: unknown algorithm "nope" \(known: ours, bba/);
    expect(bad.stderr).not.toMatch(/\n\s+at /); // one line, no stack trace
    const threads = await run(['--traces', join(dir, setName), '--algo', 'optimal', '--threads', '0']);
    expect(threads.code).toBe(2);
    expect(threads.stderr.trim()).toBe('bench:abr: --threads must be a whole number ≥ 1 (got "0")');
    const empty = join(dir, 'empty');
    mkdirSync(empty, { recursive: true });
    const none = await run(['--traces', empty]);
    expect(none.code).toBe(2);
    expect(none.stderr.trim()).toMatch(/^bench:abr: no trace files in .*empty: a trace is a file of/);
    const missing = await run(['--traces', join(dir, 'missing')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toMatch(/^bench:abr: trace folder .*missing does not exist/);
  }, 60_000);
});
