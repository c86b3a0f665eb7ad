/** A recording AbrRule for adapter tests: returns scripted answers and logs every call. */
import type { AbandonDecision, AbrDecision, AbrRule, DownloadSample, InFlightProgress, PlaybackState, Rung } from '../../player/src/abr/types.ts';

export class SpyRule implements AbrRule {
  calls: Array<{ fn: string; args: unknown[] }> = [];
  rungs: readonly Rung[] = [];
  downloads: DownloadSample[] = [];
  next: AbrDecision = { rungIndex: 0, estimateBps: 0, reason: 'hold' };
  start: AbrDecision = { rungIndex: 0, estimateBps: 0, reason: 'startup' };
  abandon: AbandonDecision = { abandon: false, reason: 'ok' };
  estimate = 0;
  pinned: number | null = null;

  private log(fn: string, ...args: unknown[]) {
    this.calls.push({ fn, args });
  }
  count(fn: string): number {
    return this.calls.filter((c) => c.fn === fn).length;
  }
  last(fn: string): unknown[] | undefined {
    return [...this.calls].reverse().find((c) => c.fn === fn)?.args;
  }
  setRungs(rungs: readonly Rung[]): void {
    this.log('setRungs', rungs);
    this.rungs = rungs;
  }
  recordDownload(sample: DownloadSample): void {
    this.log('recordDownload', sample);
    this.downloads.push(sample);
  }
  chooseStartRung(hint?: { estimateBps?: number }): AbrDecision {
    this.log('chooseStartRung', hint);
    return this.start;
  }
  chooseNext(state: PlaybackState): AbrDecision {
    this.log('chooseNext', state);
    return this.next;
  }
  checkAbandon(progress: InFlightProgress, state: PlaybackState): AbandonDecision {
    this.log('checkAbandon', progress, state);
    return this.abandon;
  }
  pin(rungIndex: number | null): void {
    this.log('pin', rungIndex);
    this.pinned = rungIndex;
  }
  estimateBps(): number {
    return this.estimate;
  }
}
