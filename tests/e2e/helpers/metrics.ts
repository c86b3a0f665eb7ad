import type { TestInfo } from '@playwright/test';

export const METRICS_ATTACHMENT = 'abr-metrics';

/** One measured figure set for one scenario run (engine × ABR); any field may be missing. */
export interface ScenarioMetrics {
  scenario: string;
  engine: string;
  abr: 'ours' | 'default';
  startupMs?: number | null;
  decisionDelayS?: number | null;
  shownDelayS?: number | null;
  climbS?: number | null;
  stalls?: number;
  stallMs?: number;
  stallRatio?: number | null;
  avgBitrateKbps?: number | null;
  fetchedBitrateKbps?: number | null;
  notes?: string;
  [k: string]: unknown;
}

/** Attach measured figures to the test result (read by comparison-reporter.ts). Call before asserting. */
export async function recordMetrics(testInfo: TestInfo, m: ScenarioMetrics): Promise<void> {
  await testInfo.attach(METRICS_ATTACHMENT, { body: JSON.stringify(m), contentType: 'application/json' });
}
