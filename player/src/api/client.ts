/** Catalogue / topology / edge-stats client (the only place the app calls /api). */
import type { TitleJson } from '../../../encoder/catalog/title-json.ts';
import type { Topology } from './urls.ts';

export class ApiError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { signal, headers: { accept: 'application/json' } });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError('The server could not be reached. Is `npm start` running?', 0);
  }
  if (!res.ok) {
    let msg = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as { error?: string; message?: string };
      msg = body.error ?? body.message ?? msg;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(msg, res.status);
  }
  return (await res.json()) as T;
}

export const fetchTitles = (signal?: AbortSignal) => getJson<TitleJson[]>('/api/titles', signal);
export const fetchTitle = (id: string, signal?: AbortSignal) => getJson<TitleJson>(`/api/titles/${encodeURIComponent(id)}`, signal);

/** Topology is optional: without it the player streams from its own origin. */
export async function fetchTopology(signal?: AbortSignal): Promise<Topology | null> {
  try {
    return await getJson<Topology>('/api/topology', signal);
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    return null;
  }
}

export interface EdgeStats {
  id: string;
  hitRatio?: number;
  byteHitRatio?: number;
  [k: string]: unknown;
}

export async function fetchEdgeStats(signal?: AbortSignal): Promise<EdgeStats[]> {
  try {
    const body = await getJson<EdgeStats[] | { edges: EdgeStats[] }>('/api/edges', signal);
    return Array.isArray(body) ? body : (body.edges ?? []);
  } catch {
    return [];
  }
}
