import { useEffect, useState } from 'react';
import uPlot from 'uplot';
import type { PlaybackSession } from '../app/playback-session.ts';
import { fetchEdgeStats, type EdgeStats } from '../api/client.ts';
import { useTick } from '../components/use-tick.ts';
import { formatBps, qualityLabel } from '../format.ts';
import { bitrateColumns, bufferColumns, throughputColumns } from './chart-data.ts';
import { UplotChart } from './UplotChart.tsx';

/** Edge stats change slowly; polling them every few seconds is plenty. */
const EDGE_POLL_MS = 5000;

function pct(x: number | null | undefined): string {
  return typeof x === 'number' && Number.isFinite(x) ? `${Math.round(x * 100)}%` : '—';
}

export function StatsPanel({ session }: { session: PlaybackSession }) {
  useTick(500);
  const [edges, setEdges] = useState<EdgeStats[]>([]);
  useEffect(() => {
    const ac = new AbortController();
    const poll = () => fetchEdgeStats(ac.signal).then(setEdges).catch(() => undefined);
    void poll();
    const id = setInterval(poll, EDGE_POLL_MS);
    return () => {
      clearInterval(id);
      ac.abort();
    };
  }, []);

  const c = session.collector;
  const p = c.state;
  const now = performance.now();
  const rungLabel = (i: number | null) => {
    if (i === null) return '—';
    const r = p.rungs[i];
    return r ? `#${i} ${qualityLabel(r.height, r.width)} (${formatBps(r.bandwidthBps)})` : `#${i}`;
  };
  const edgeStats = edges.find((e) => e.id === p.edge);
  const rows: Array<[string, string]> = [
    ['Engine / ABR', `${p.engine === 'hls' ? 'hls.js' : 'shaka'} / ${p.abr === 'ours' ? 'ours' : 'stock'}`],
    ['Session', p.sessionId],
    ['Startup', p.startupMs !== null ? `${p.startupMs} ms` : '—'],
    ['Stalls', `${p.stalls.count} (${(c.stallMsNow(now) / 1000).toFixed(1)} s)`],
    ['Switches', String(p.switches)],
    ['Dropped frames', String(p.droppedFrames)],
    ['Current rung', rungLabel(p.currentRung)],
    ['Selected rung', `${rungLabel(p.selectedRung)}${p.auto ? '' : ' · pinned'}`],
    ['Estimate', formatBps(p.estimateBps)],
    ['Buffer', `${p.bufferSec.toFixed(1)} s`],
    ['Edge / pathway', p.edge ?? '—'],
    ['X-Cache hits (this session)', pct(c.hitRatio(p.edge))],
    ['Edge hit ratio (all / bytes)', edgeStats ? `${pct(edgeStats.hitRatio)} / ${pct(edgeStats.byteHitRatio)}` : '—'],
  ];

  return (
    <aside className="stats" data-testid="stats-panel">
      <dl className="counters">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <div className="charts">
        <UplotChart
          title="Throughput (Mb/s)"
          testId="chart-throughput"
          getData={() => throughputColumns(c.series, c.segments)}
          series={[
            { label: 'segment', stroke: 'transparent', points: { show: true, size: 6, fill: '#4fc3f7', stroke: '#4fc3f7' }, paths: () => null },
            { label: 'estimate', stroke: '#ffb74d', width: 2, spanGaps: true, points: { show: false } },
          ]}
        />
        <UplotChart
          title="Buffer (s)"
          testId="chart-buffer"
          getData={() => bufferColumns(c.series)}
          series={[{ label: 'buffer', stroke: '#81c784', width: 2, fill: 'rgba(129,199,132,0.15)', points: { show: false } }]}
        />
        <UplotChart
          title="Selected bitrate (Mb/s)"
          testId="chart-bitrate"
          getData={() => bitrateColumns(c.series)}
          series={[{ label: 'selected', stroke: '#ba68c8', width: 2, points: { show: false }, paths: uPlot.paths.stepped?.({ align: 1 }) }]}
        />
      </div>
    </aside>
  );
}
