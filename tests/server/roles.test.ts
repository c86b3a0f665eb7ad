/** Roles on their own (as on separate machines): an origin with remote edges, edges that learn the topology over HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { createOriginApp } from '../../server/origin/app.ts';
import { Edge } from '../../server/edge/edge.ts';
import { RemoteEdges, parseEdgeList } from '../../server/edge/directory.ts';
import { SteeringService } from '../../server/steering/service.ts';
import { SessionStore } from '../../server/shaping/sessions.ts';
import { PolledTopology, type Topology } from '../../server/topology.ts';
import { createLogger } from '../../server/log.ts';
import { makeMiniTitle, sleep, tempMediaDir } from './helpers.ts';

const listen = (s: http.Server) => new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as { port: number }).port)));

describe('standalone roles', () => {
  let originServer: http.Server;
  let originUrl = '';
  const edges: Edge[] = [];
  const topos: PolledTopology[] = [];
  let remote: RemoteEdges;

  beforeAll(async () => {
    const media = await tempMediaDir();
    await makeMiniTitle(media, 'demo');
    const logger = createLogger({ level: 'silent' });
    // the edges start first on known ports, then the origin is told about them (--edge-urls)
    originServer = http.createServer();
    const originPort = await listen(originServer);
    originUrl = `http://127.0.0.1:${originPort}`;
    for (const id of ['edge-1', 'edge-2']) {
      const topo = new PolledTopology(originUrl, { origin: { url: originUrl }, edges: [], steering: { url: `${originUrl}/steering/v1` } }, 200);
      topos.push(topo);
      const e = new Edge({ id, originUrl, host: '127.0.0.1', port: 0, cacheBytes: 10_000_000, cachePolicy: 'lru', sessions: new SessionStore(), topology: topo, logger });
      await e.listen();
      edges.push(e);
    }
    remote = new RemoteEdges(parseEdgeList(edges.map((e) => `${e.id}=${e.url}`).join(',')), 200);
    const steering = new SteeringService(() => remote.loads());
    const topology = (): Topology => ({ origin: { url: originUrl }, edges: remote.topologyEdges(), steering: { url: `${originUrl}/steering/v1` } });
    const { app } = createOriginApp({ mediaDir: media, logger, sessions: new SessionStore(), edges: remote, topology, steering });
    originServer.on('request', app);
    for (const t of topos) t.start();
    await sleep(600);
  });
  afterAll(async () => {
    for (const t of topos) t.stop();
    remote?.close();
    await Promise.all(edges.map((e) => e.close()));
    originServer?.closeAllConnections();
    await new Promise<void>((r) => originServer.close(() => r()));
  });

  it('edges learn their peers and the steering URL from the origin', async () => {
    const m = await (await fetch(`${edges[0]!.url}/media/demo/master.m3u8`)).text();
    expect(m).toContain(`SERVER-URI="${originUrl}/steering/v1"`);
    expect(m).toContain('PATHWAY-ID="edge-1"');
    expect(m).toContain('PATHWAY-ID="edge-2"');
    expect(m).toContain(`${edges[1]!.url}/media/demo/`);
  });

  it('the origin reports remote edge stats and drives their chaos switches', async () => {
    await (await fetch(`${edges[1]!.url}/media/demo/seg-0-00001.m4s`)).arrayBuffer();
    await sleep(400);
    const stats = (await (await fetch(`${originUrl}/api/edges`)).json()) as Array<{ id: string; healthy: boolean; misses?: number }>;
    expect(stats.find((s) => s.id === 'edge-2')).toMatchObject({ healthy: true, misses: 1 });

    expect((await fetch(`${originUrl}/api/edges/edge-2/fail`, { method: 'POST' })).status).toBe(200);
    await expect(fetch(`${edges[1]!.url}/healthz`)).rejects.toThrow();
    await sleep(400);
    const steer = (await (await fetch(`${originUrl}/steering/v1?_HLS_pathway=edge-2`)).json()) as { 'PATHWAY-PRIORITY': string[] };
    expect(steer['PATHWAY-PRIORITY']).toEqual(['edge-1', 'edge-2']);
    const topo = (await (await fetch(`${originUrl}/api/topology`)).json()) as Topology;
    expect(topo.edges.find((e) => e.id === 'edge-2')?.healthy).toBe(false);
    await sleep(400); // edge-1 re-polls the topology
    expect(await (await fetch(`${edges[0]!.url}/media/demo/master.m3u8`)).text()).not.toContain('PATHWAY-ID="edge-2"');

    // a refusing edge cannot be told to recover over HTTP; its own process recovers it
    await edges[1]!.recover();
    expect((await fetch(`${edges[1]!.url}/healthz`)).status).toBe(200);
  });

  it('validates the body of the chaos switch on an edge itself', async () => {
    for (const body of [{ mode: 'explode' }, { durationMs: -5 }, { durationMs: 'soon' }, { durationMs: 1e12 }]) {
      const r = await fetch(`${edges[0]!.url}/api/fail`, { method: 'POST', body: JSON.stringify(body) });
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
    expect((await fetch(`${edges[0]!.url}/healthz`)).status).toBe(200);
  });

  it('a refusing edge failed with a duration (directly, or through the origin) comes back by itself', async () => {
    const r = await fetch(`${edges[0]!.url}/api/fail`, { method: 'POST', body: JSON.stringify({ mode: 'refuse', durationMs: 400 }) });
    expect(await r.json()).toMatchObject({ healthy: false, mode: 'refuse', recoversInMs: 400 });
    await sleep(100);
    await expect(fetch(`${edges[0]!.url}/healthz`)).rejects.toThrow();
    await sleep(600);
    expect((await fetch(`${edges[0]!.url}/healthz`)).status).toBe(200);

    const viaOrigin = await fetch(`${originUrl}/api/edges/edge-2/fail`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ durationMs: 400 }) });
    expect(await viaOrigin.json()).toMatchObject({ id: 'edge-2', healthy: false, recoversInMs: 400 });
    await sleep(100);
    await expect(fetch(`${edges[1]!.url}/healthz`)).rejects.toThrow();
    await sleep(600);
    expect((await fetch(`${edges[1]!.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${originUrl}/api/edges/edge-2/fail`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"durationMs":0}' })).status).toBe(400);
  });
});
