/**
 * Self-contained HTML report: the tables, a QoE bar chart per trace set and,
 * for one chosen trace, a chart per algorithm of the link throughput, the
 * chosen bitrate and the buffer over time. Inline SVG, no scripts, no
 * external assets, so the file can be mailed or attached to an issue.
 */

import type { SetAggregate, SessionResult } from './run-lab.ts';
import type { Trace } from './pensieve-env.ts';
import type { CalibrationRow } from './reference-results.ts';
import { formatPaired, type SetStats } from './paired-stats.ts';

export interface HtmlReportInput {
  title: string;
  videoName: string;
  sets: Array<{ name: string; aggregates: Record<string, SetAggregate>; stats?: SetStats }>;
  calibration: CalibrationRow[];
  chart: { setName: string; trace: Trace; sessions: SessionResult[]; ladderKbps: number[] } | null;
  notes: string[];
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

function table(aggs: Record<string, SetAggregate>, stats?: SetStats): string {
  const se = (a: string) => (stats?.qoe_lin_se[a] !== undefined ? ` ± ${(stats.qoe_lin_se[a] as number).toFixed(3)}` : '');
  const rows = Object.entries(aggs)
    .map(
      ([a, s]) =>
        `<tr><td>${esc(a)}</td><td>${s.qoe_lin.toFixed(3)}${se(a)}</td><td>${s.qoe_log.toFixed(3)}</td><td>${s.qoe_hd.toFixed(3)}</td>` +
        `<td>${s.bitrate_kbps.toFixed(0)}</td><td>${s.rebuffer_s.toFixed(2)}</td><td>${s.switches.toFixed(1)}</td></tr>`,
    )
    .join('');
  return `<table><thead><tr><th>algorithm</th><th>QoE_lin${stats ? ' ± s.e.' : ''}</th><th>QoE_log</th><th>QoE_hd</th><th>bitrate kb/s</th><th>rebuffer s/trace</th><th>switches/trace</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function barChart(aggs: Record<string, SetAggregate>, stats?: SetStats): string {
  const entries = Object.entries(aggs);
  const W = 520;
  const rowH = 22;
  const H = entries.length * rowH + 30;
  // Room for the whisker (± 1.96 s.e.) and the label right of the longest bar.
  const max = Math.max(0.01, ...entries.map(([a, s]) => s.qoe_lin + 1.96 * (stats?.qoe_lin_se[a] ?? 0)));
  const min = Math.min(0, ...entries.map(([, s]) => s.qoe_lin));
  const x0 = 130;
  const scale = (W - x0 - 60) / (max - min);
  const zero = x0 + -min * scale;
  const bars = entries
    .map(([a, s], i) => {
      const y = 10 + i * rowH;
      const x = s.qoe_lin >= 0 ? zero : zero + s.qoe_lin * scale;
      const w = Math.abs(s.qoe_lin) * scale;
      // Whisker: ± 1.96 standard errors of the mean over traces.
      const e = 1.96 * (stats?.qoe_lin_se[a] ?? 0) * scale;
      const xm = zero + s.qoe_lin * scale;
      const whisker = e > 0 ? `<line x1="${(xm - e).toFixed(1)}" x2="${(xm + e).toFixed(1)}" y1="${y + 8}" y2="${y + 8}" stroke="#333"/>` : '';
      return `<text x="${x0 - 6}" y="${y + 14}" text-anchor="end">${esc(a)}</text><rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${COLORS[i % COLORS.length]}"/>${whisker}<text x="${(zero + Math.max(0, s.qoe_lin) * scale + e + 4).toFixed(1)}" y="${y + 14}">${s.qoe_lin.toFixed(3)}</text>`;
    })
    .join('');
  return `<svg width="${W}" height="${H}" font-size="12" font-family="sans-serif"><line x1="${zero}" y1="5" x2="${zero}" y2="${H - 15}" stroke="#999"/>${bars}<text x="${W / 2}" y="${H - 2}" text-anchor="middle" fill="#555">QoE_lin (mean per chunk)</text></svg>`;
}

function sessionChart(trace: Trace, s: SessionResult, ladderKbps: number[], color: string): string {
  const W = 760;
  const H = 220;
  const L = 50;
  const R = 50;
  const T = 12;
  const B = 28;
  const last = s.chunks[s.chunks.length - 1];
  const tEnd = Math.max(1, last ? last.traceEndSec : 1);
  const maxMbps = Math.max((ladderKbps[ladderKbps.length - 1] ?? 1000) / 1000, ...trace.mbps.filter((_, i) => (trace.timeSec[i] ?? 0) <= tEnd + 2)) * 1.05;
  const maxBuf = Math.max(10, ...s.chunks.map((c) => c.bufferSec)) * 1.05;
  const x = (t: number) => L + (Math.min(t, tEnd) / tEnd) * (W - L - R);
  const y = (m: number) => T + (1 - m / maxMbps) * (H - T - B);
  const yb = (b: number) => T + (1 - b / maxBuf) * (H - T - B);
  // Link: line i applies between time[i-1] and time[i] (looping is not drawn).
  let link = '';
  for (let i = 1; i < trace.timeSec.length; i++) {
    const t0 = trace.timeSec[i - 1] as number;
    const t1 = trace.timeSec[i] as number;
    if (t0 > tEnd) break;
    link += `${x(t0).toFixed(1)},${y(trace.mbps[i] as number).toFixed(1)} ${x(t1).toFixed(1)},${y(trace.mbps[i] as number).toFixed(1)} `;
  }
  let rate = '';
  for (const c of s.chunks) {
    rate += `${x(c.traceStartSec).toFixed(1)},${y(c.bitrateKbps / 1000).toFixed(1)} ${x(c.traceEndSec).toFixed(1)},${y(c.bitrateKbps / 1000).toFixed(1)} `;
  }
  const buf = s.chunks.map((c) => `${x(c.traceEndSec).toFixed(1)},${yb(c.bufferSec).toFixed(1)}`).join(' ');
  const stalls = s.chunks
    .filter((c) => c.index > 0 && c.rebufferSec > 0)
    .map((c) => `<circle cx="${x(c.traceEndSec).toFixed(1)}" cy="${H - B + 2}" r="3" fill="#d62728"><title>stall ${c.rebufferSec.toFixed(2)} s</title></circle>`)
    .join('');
  // --abandon: a chunk whose download was given up (at a higher rung) before the one delivered.
  const gaveUp = s.chunks
    .filter((c) => (c.abandoned ?? []).length > 0)
    .map((c) => `<text x="${x(c.traceStartSec).toFixed(1)}" y="${(H - B - 3).toFixed(1)}" text-anchor="middle" fill="#ff7f0e" font-weight="bold">×<title>gave up rung ${(c.abandoned ?? []).join(', ')} for rung ${c.rung}</title></text>`)
    .join('');
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => `<text x="${L - 4}" y="${y(f * maxMbps) + 4}" text-anchor="end">${(f * maxMbps).toFixed(1)}</text><text x="${W - R + 4}" y="${yb(f * maxBuf) + 4}">${(f * maxBuf).toFixed(0)}</text>`)
    .join('');
  const xt = [0, 0.25, 0.5, 0.75, 1].map((f) => `<text x="${x(f * tEnd)}" y="${H - 6}" text-anchor="middle">${(f * tEnd).toFixed(0)} s</text>`).join('');
  const q = s.summary;
  return `<figure><figcaption><b>${esc(s.algo)}</b> — QoE_lin ${q.qoe_lin.toFixed(3)}, ${q.bitrate_kbps.toFixed(0)} kb/s, rebuffer ${q.rebuffer_s.toFixed(2)} s, ${q.switches} switches</figcaption>
<svg width="${W}" height="${H}" font-size="10" font-family="sans-serif">
<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="#fafafa" stroke="#ccc"/>
${ticks}${xt}
<polyline points="${link}" fill="none" stroke="#bbb" stroke-width="1.5"><title>link throughput (Mb/s)</title></polyline>
<polyline points="${rate}" fill="none" stroke="${color}" stroke-width="2"><title>chosen bitrate (Mb/s)</title></polyline>
<polyline points="${buf}" fill="none" stroke="#2ca02c" stroke-dasharray="4 3" stroke-width="1.5"><title>buffer (s, right axis)</title></polyline>
${stalls}${gaveUp}
<text x="${L + 4}" y="${T + 10}" fill="#777">Mb/s: link (grey), chosen bitrate (colour)${gaveUp ? '; × download given up' : ''}</text><text x="${W - R - 4}" y="${T + 10}" text-anchor="end" fill="#2ca02c">buffer s (dashed)</text>
</svg></figure>`;
}

export function renderHtmlReport(r: HtmlReportInput): string {
  const paired = (st?: SetStats) => {
    const rows = Object.entries(st?.ours_minus ?? {}).map(([a, p]) => `<li>ours − ${esc(a)}: ${esc(formatPaired(p))}</li>`);
    const share = Object.entries(st?.share_of_optimum ?? {}).map(([a, x]) => `${esc(a)} ${(100 * x).toFixed(1)} %`);
    const shareLine = share.length > 0 ? `<p>Share of the offline optimum (mean QoE_lin ÷ the optimum's, the whole trace known in advance): ${share.join(', ')}</p>` : '';
    return (rows.length > 0 ? `<p>QoE_lin per trace, ours − other (mean ± s.e.); bars show ± 1.96 s.e. of each mean:</p><ul>${rows.join('')}</ul>` : '') + shareLine;
  };
  const sets = r.sets.map((s) => `<h2>${esc(s.name)}</h2>${table(s.aggregates, s.stats)}${barChart(s.aggregates, s.stats)}${paired(s.stats)}`).join('\n');
  const cal = r.calibration.length
    ? `<h2>Calibration against Pensieve's own code</h2><table><thead><tr><th>set</th><th>algorithm</th><th>lab</th><th>reference</th><th>diff</th><th>max per-trace |diff|</th></tr></thead><tbody>${r.calibration
        .map(
          (c) =>
            `<tr><td>${esc(c.set)}</td><td>${esc(c.algo)}</td><td>${c.ours.toFixed(4)}</td><td>${c.reference.toFixed(4)}</td><td>${(100 * c.relDiff).toFixed(2)} %</td><td>${c.maxTraceDiff.toFixed(4)} (${esc(c.worstTrace)})</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  const charts = r.chart
    ? `<h2>Trace ${esc(r.chart.trace.name)} (${esc(r.chart.setName)})</h2>` +
      r.chart.sessions.map((s, i) => sessionChart(r.chart!.trace, s, r.chart!.ladderKbps, COLORS[i % COLORS.length] as string)).join('\n')
    : '';
  const notes = r.notes.map((n) => `<li>${esc(n)}</li>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(r.title)}</title>
<style>body{font-family:sans-serif;max-width:900px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}figure{margin:1em 0}figcaption{font-size:13px;margin-bottom:2px}</style>
</head><body><h1>${esc(r.title)}</h1><p>Video: ${esc(r.videoName)}. QoE per chunk over chunks 2..N, averaged over traces (Pensieve's metric); rebuffer and switches are means per trace.</p>
<ul>${notes}</ul>${cal}${sets}${charts}</body></html>
`;
}
