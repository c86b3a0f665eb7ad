/** The algorithms the lab knows, by CLI name. */

import type { AbrConfig } from '../../../player/src/abr/index.ts';
import { Bba } from './bba.ts';
import { Bola } from './bola.ts';
import { HlsJsDefault } from './hlsjs-default.ts';
import type { LabAlgorithm } from './lab-algorithm.ts';
import { OfflineOptimal } from './offline-optimal.ts';
import { OursAdapter } from './ours-adapter.ts';
import { CORRECTED_ROBUST_MPC, PUBLISHED_ROBUST_MPC, RobustMpc } from './robust-mpc.ts';
import { ShakaDefault } from './shaka-default.ts';

export const ALGORITHMS: Record<string, (ours?: Partial<AbrConfig>) => LabAlgorithm> = {
  ours: (cfg) => new OursAdapter(cfg ?? {}),
  bba: () => new Bba(),
  bola: () => new Bola(),
  robustmpc: () => new RobustMpc(PUBLISHED_ROBUST_MPC),
  'robustmpc-fixed': () => new RobustMpc(CORRECTED_ROBUST_MPC),
  hlsjs: () => new HlsJsDefault(),
  shaka: () => new ShakaDefault(),
  // Not an ABR algorithm: the best schedule with the whole trace known in advance (opt-in, ~1 s per trace).
  optimal: () => new OfflineOptimal(),
};

export const DEFAULT_ALGOS = ['ours', 'bba', 'bola', 'robustmpc', 'robustmpc-fixed', 'hlsjs', 'shaka'];

export function makeAlgorithm(name: string, ours?: Partial<AbrConfig>): LabAlgorithm {
  const f = ALGORITHMS[name];
  if (!f) throw new Error(`unknown algorithm "${name}" (known: ${Object.keys(ALGORITHMS).join(', ')})`);
  return f(ours);
}
