/**
 * Shapes collector series into uPlot's column format (one shared x axis). Pure.
 * Per-segment throughput points and the sampled estimate live on different clocks,
 * so they are merged on the union of their timestamps with nulls where a series has no value.
 */
import type { SegmentPoint, SeriesPoint } from './collector.ts';

export type Columns = [number[], ...Array<Array<number | null>>];

/** x = s since load; y1 = measured segment throughput (Mb/s), y2 = ABR estimate (Mb/s). */
export function throughputColumns(series: readonly SeriesPoint[], segments: readonly SegmentPoint[]): Columns {
  const rows: Array<{ t: number; measured: number | null; estimate: number | null }> = [];
  for (const s of series) rows.push({ t: s.t, measured: null, estimate: s.estimateBps > 0 ? s.estimateBps / 1e6 : null });
  for (const g of segments) rows.push({ t: g.t, measured: g.throughputBps > 0 ? g.throughputBps / 1e6 : null, estimate: null });
  rows.sort((a, b) => a.t - b.t);
  return [rows.map((r) => r.t), rows.map((r) => r.measured), rows.map((r) => r.estimate)];
}

export function bufferColumns(series: readonly SeriesPoint[]): Columns {
  return [series.map((s) => s.t), series.map((s) => s.bufferSec)];
}

export function bitrateColumns(series: readonly SeriesPoint[]): Columns {
  return [series.map((s) => s.t), series.map((s) => (s.selectedBps !== null ? s.selectedBps / 1e6 : null))];
}
