import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Columns } from './chart-data.ts';

/** A uPlot chart that pulls fresh columns every `refreshMs` (the collector is mutable, not React state). */
export function UplotChart(props: {
  title: string;
  series: uPlot.Series[];
  getData: () => Columns;
  refreshMs?: number;
  height?: number;
  testId?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const { getData, refreshMs = 1000 } = props;

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const width = Math.max(240, el.clientWidth || 320);
    const opts: uPlot.Options = {
      title: props.title,
      width,
      height: props.height ?? 150,
      scales: { x: { time: false } },
      axes: [
        { stroke: '#aaa', grid: { stroke: '#333' }, values: (_u, ticks) => ticks.map((t) => `${Math.round(t)}s`) },
        { stroke: '#aaa', grid: { stroke: '#333' } },
      ],
      legend: { show: true },
      series: [{ label: 't', value: (_u, v) => (v == null ? '--' : `${v.toFixed(1)} s`) }, ...props.series],
    };
    const chart = new uPlot(opts, getData() as uPlot.AlignedData, el);
    const id = setInterval(() => chart.setData(getData() as uPlot.AlignedData), refreshMs);
    const ro = new ResizeObserver(() => chart.setSize({ width: Math.max(240, el.clientWidth), height: props.height ?? 150 }));
    ro.observe(el);
    return () => {
      clearInterval(id);
      ro.disconnect();
      chart.destroy();
    };
    // Options are fixed for the chart's life; data is polled.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return <div className="chart" ref={ref} data-testid={props.testId} />;
}
