/** The access log: one structured line per request at debug level, from the origin and from every edge. */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack } from '../../server/stack.ts';
import { makeMiniTitle, sleep, tempMediaDir } from './helpers.ts';

let media: string;
let segments: string[];

beforeAll(async () => {
  media = await tempMediaDir();
  ({ segments } = await makeMiniTitle(media, 'demo'));
});
afterAll(async () => rm(media, { recursive: true, force: true }));

async function readLines(file: string, want: (l: Record<string, unknown>) => boolean): Promise<Array<Record<string, unknown>>> {
  // pino writes asynchronously: wait for the lines to land
  for (let i = 0; i < 50; i++) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const lines = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    if (lines.some(want)) return lines;
    await sleep(50);
  }
  return [];
}

describe('access log', () => {
  it('logs method, path, status, bytes, cache result, time and session per request at debug level', async () => {
    const logFile = join(media, 'logs', 'debug.log');
    const stack = await startStack({ mediaDir: media, edges: 1, logLevel: 'debug', logFile });
    try {
      const seg = `/media/demo/${segments[0]}`;
      const cmcd = encodeURIComponent('br=600,sid="s-42",ot=v');
      const a = await fetch(`${stack.edges[0]!.url}${seg}?CMCD=${cmcd}`);
      const bytes = Number(a.headers.get('content-length'));
      await a.arrayBuffer();
      await (await fetch(`${stack.edges[0]!.url}/media/demo/missing.m4s?session=s-7`)).arrayBuffer();
      await (await fetch(`${stack.originUrl}/api/titles`)).arrayBuffer();
    } finally {
      await stack.close();
    }
    const lines = await readLines(logFile, (l) => l.path === '/api/titles');
    const edgeHit = lines.find((l) => l.msg === 'request' && l.role === 'edge' && String(l.path).endsWith(segments[0]!));
    expect(edgeHit).toMatchObject({ method: 'GET', status: 200, cache: 'MISS', session: 's-42', edge: 'edge-1' });
    expect(edgeHit!.bytes).toBeGreaterThan(0);
    expect(typeof edgeHit!.ms).toBe('number');
    // the query (CMCD) is not logged with the path
    expect(String(edgeHit!.path)).not.toContain('?');
    expect(lines.find((l) => l.msg === 'request' && String(l.path).endsWith('missing.m4s') && l.role === 'edge')).toMatchObject({ status: 404, session: 's-7' });
    expect(lines.filter((l) => l.msg === 'request' && l.role === 'origin').map((l) => l.path)).toContain('/api/titles');
  });

  it('writes no request lines at info level', async () => {
    const logFile = join(media, 'logs', 'info.log');
    const stack = await startStack({ mediaDir: media, edges: 1, logLevel: 'info', logFile });
    try {
      await (await fetch(`${stack.edges[0]!.url}/media/demo/${segments[0]}`)).arrayBuffer();
    } finally {
      await stack.close();
    }
    const lines = await readLines(logFile, (l) => l.msg === 'stack listening');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((l) => l.msg === 'request')).toEqual([]);
  });
});
