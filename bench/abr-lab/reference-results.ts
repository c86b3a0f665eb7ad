/**
 * The reference per-trace QoE_lin measured with Pensieve's own code
 * (results/pensieve_sim_baselines_per_trace.csv in the shared data set), used
 * to calibrate the simulator: our BBA and RobustMPC must land on it.
 */

import { existsSync, readFileSync } from 'node:fs';

/** Our algorithm name → the scheme name in the CSV. */
export const REFERENCE_SCHEME: Record<string, string> = {
  bba: 'BB',
  robustmpc: 'robustMPC',
};

/** Trace directory name → the trace_set column. */
export const REFERENCE_SET: Record<string, string> = {
  hsdpa_test_sim_traces: 'hsdpa',
  fcc_test_genet: 'fcc',
};

export interface ReferenceTable {
  /** `${set}|${trace}|${scheme}` → qoe_lin per chunk. */
  qoeLin: Map<string, number>;
}

export function loadReference(csvPath: string): ReferenceTable | null {
  if (!existsSync(csvPath)) return null;
  const lines = readFileSync(csvPath, 'utf8').split(/\r?\n/);
  const header = (lines[0] ?? '').split(',');
  const iSet = header.indexOf('trace_set');
  const iTrace = header.indexOf('trace');
  const iScheme = header.indexOf('scheme');
  const iQoe = header.indexOf('qoe_lin_per_chunk');
  if (iSet < 0 || iTrace < 0 || iScheme < 0 || iQoe < 0) throw new Error(`${csvPath}: unexpected header`);
  const qoeLin = new Map<string, number>();
  for (const l of lines.slice(1)) {
    const p = l.split(',');
    if (p.length <= iQoe) continue;
    qoeLin.set(`${p[iSet]}|${p[iTrace]}|${p[iScheme]}`, Number(p[iQoe]));
  }
  return { qoeLin };
}

export interface CalibrationRow {
  set: string;
  algo: string;
  ours: number;
  reference: number;
  /** (ours − reference) / reference. */
  relDiff: number;
  /** Largest per-trace absolute difference, and where. */
  maxTraceDiff: number;
  worstTrace: string;
  traces: number;
}

export function calibrate(
  ref: ReferenceTable,
  setDirName: string,
  algo: string,
  perTrace: ReadonlyArray<{ trace: string; qoe_lin: number }>,
): CalibrationRow | null {
  const set = REFERENCE_SET[setDirName];
  const scheme = REFERENCE_SCHEME[algo];
  if (!set || !scheme) return null;
  let sumOurs = 0;
  let sumRef = 0;
  let n = 0;
  let maxTraceDiff = 0;
  let worstTrace = '';
  for (const r of perTrace) {
    const v = ref.qoeLin.get(`${set}|${r.trace}|${scheme}`);
    if (v === undefined) continue;
    sumOurs += r.qoe_lin;
    sumRef += v;
    n++;
    const d = Math.abs(v - r.qoe_lin);
    if (d > maxTraceDiff) {
      maxTraceDiff = d;
      worstTrace = r.trace;
    }
  }
  if (n === 0) return null;
  const ours = sumOurs / n;
  const reference = sumRef / n;
  return { set: setDirName, algo, ours, reference, relDiff: (ours - reference) / Math.abs(reference), maxTraceDiff, worstTrace, traces: n };
}
