/**
 * Collects the `abr-metrics` attachments of scenarios 1–4 and prints one table per engine × ABR
 * (ours / stock), then writes test-results/abr-comparison.json so a regression is visible between runs.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestResult } from '@playwright/test/reporter';
import { METRICS_ATTACHMENT, type ScenarioMetrics } from './metrics.ts';
import { RESULTS_JSON, STATE_FILE } from './paths.ts';

interface Row {
  engine: string;
  abr: 'ours' | 'default';
  startupMs: number | null;
  decisionDelayS: number | null;
  shownDelayS: number | null;
  climbS: number | null;
  dropStalls: number | null;
  dropStallMs: number | null;
  traceStalls: number | null;
  traceStallMs: number | null;
  traceStallRatio: number | null;
  traceAvgKbps: number | null;
  traceFetchedKbps: number | null;
  status: Record<string, string>;
}

export default class ComparisonReporter implements Reporter {
  private readonly runs: Array<{ m: ScenarioMetrics; status: string; title: string }> = [];
  private readonly outcomes: Array<{ title: string; project: string; status: string; ms: number; error?: string }> = [];
  private started = Date.now();

  onBegin(_config: FullConfig, _suite: Suite): void {
    this.started = Date.now();
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const project = test.parent.project()?.name ?? '';
    // Only the last retry counts.
    this.outcomes.push({
      title: test.titlePath().slice(1).join(' › '),
      project,
      status: result.status,
      ms: result.duration,
      error: result.error?.message?.split('\n')[0]?.slice(0, 300),
    });
    for (const a of result.attachments) {
      if (a.name !== METRICS_ATTACHMENT || !a.body) continue;
      try {
        this.runs.push({ m: JSON.parse(a.body.toString()) as ScenarioMetrics, status: result.status, title: test.title });
      } catch {
        /* ignore malformed */
      }
    }
  }

  onEnd(result: FullResult): void {
    const rows = new Map<string, Row>();
    const row = (engine: string, abr: 'ours' | 'default'): Row => {
      const key = `${engine}/${abr}`;
      let r = rows.get(key);
      if (!r) {
        r = {
          engine, abr, startupMs: null, decisionDelayS: null, shownDelayS: null, climbS: null, dropStalls: null,
          dropStallMs: null, traceStalls: null, traceStallMs: null, traceStallRatio: null, traceAvgKbps: null, traceFetchedKbps: null, status: {},
        };
        rows.set(key, r);
      }
      return r;
    };
    for (const { m, status } of this.runs) {
      const r = row(m.engine, m.abr);
      r.status[m.scenario] = status;
      if (m.scenario === 'plays') r.startupMs = m.startupMs ?? null;
      if (m.scenario === 'drop') {
        r.decisionDelayS = m.decisionDelayS ?? null;
        r.shownDelayS = m.shownDelayS ?? null;
        r.dropStalls = m.stalls ?? null;
        r.dropStallMs = m.stallMs ?? null;
      }
      if (m.scenario === 'recovery') r.climbS = m.climbS ?? null;
      if (m.scenario === 'trace') {
        r.traceStalls = m.stalls ?? null;
        r.traceStallMs = m.stallMs ?? null;
        r.traceStallRatio = m.stallRatio ?? null;
        r.traceAvgKbps = m.avgBitrateKbps ?? null;
        r.traceFetchedKbps = m.fetchedBitrateKbps ?? null;
      }
    }
    const ordered = [...rows.values()].sort((a, b) => a.engine.localeCompare(b.engine) || (a.abr === 'ours' ? -1 : 1) - (b.abr === 'ours' ? -1 : 1));
    if (ordered.length) {
      const f = (x: number | null, d = 1) => (x == null || !Number.isFinite(x) ? '—' : x.toFixed(d));
      const header = ['engine', 'ABR', 'startup ms', 'decision after drop s', 'shown after drop s', 'climb s', 'drop stalls (ms)', 'trace stalls (ms)', 'stall ratio', 'trace avg kb/s', 'trace fetched kb/s'];
      const lines = ordered.map((r) => [
        r.engine,
        r.abr === 'ours' ? 'ours' : 'stock*',
        f(r.startupMs, 0),
        f(r.decisionDelayS, 2),
        f(r.shownDelayS, 1),
        f(r.climbS, 2),
        r.dropStalls == null ? '—' : `${r.dropStalls} (${f(r.dropStallMs, 0)})`,
        r.traceStalls == null ? '—' : `${r.traceStalls} (${f(r.traceStallMs, 0)})`,
        r.traceStallRatio == null ? '—' : (r.traceStallRatio * 100).toFixed(1) + '%',
        f(r.traceAvgKbps, 0),
        f(r.traceFetchedKbps, 0),
      ]);
      const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
      const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
      console.log('\nABR comparison (e2e, real Chromium, throttled):');
      console.log(fmt(header));
      console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
      for (const l of lines) console.log(fmt(l));
      console.log('* stock = the engine\'s own ABR (?abr=default): recorded, not asserted. Bounds are asserted for ours only.');
      console.log('  startup at 20 Mbit/s + 40 ms (CDP); drop 20 → 0.8 and climb 0.8 → 20 Mbit/s (CDP); trace = server replay (mode in the JSON);');
      console.log('  stall ratio = stall time / wall time on the trace; avg = time-weighted declared bitrate of the shown rung;');
      console.log('  fetched = mean declared bitrate of the segments downloaded during the trace (the shown average lags by the buffer); — = not observed/not run.');
      const failed = ordered.flatMap((r) => Object.entries(r.status).filter(([, s]) => s !== 'passed').map(([sc, s]) => `${r.engine}/${r.abr}/${sc}: ${s}`));
      if (failed.length) console.log('Scenario runs not passed: ' + failed.join(', '));
    }
    let state: unknown = null;
    try {
      if (existsSync(STATE_FILE)) state = JSON.parse(readFileSync(STATE_FILE, 'utf8'));
    } catch {
      /* no state */
    }
    mkdirSync(path.dirname(RESULTS_JSON), { recursive: true });
    writeFileSync(
      RESULTS_JSON,
      JSON.stringify(
        {
          finishedAt: new Date().toISOString(),
          status: result.status,
          wallTimeS: Math.round((Date.now() - this.started) / 100) / 10,
          note: 'stock (abr=default) figures are recorded, not asserted',
          titles: state ? { clip: (state as any).clip, abr: (state as any).abr } : null,
          trace: state ? (state as any).trace : null,
          fallbacks: state ? (state as any).fallbacks : [],
          rows: ordered,
          runs: this.runs.map((r) => ({ ...r.m, status: r.status })),
          tests: this.outcomes,
        },
        null,
        2,
      ),
    );
    console.log(`Wall time ${((Date.now() - this.started) / 1000).toFixed(1)} s; results in ${path.relative(process.cwd(), RESULTS_JSON)}`);
  }

  printsToStdio(): boolean {
    return false;
  }
}
