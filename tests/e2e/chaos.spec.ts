/** Scenarios 5 (edge failure mid-play) and 6 (origin outage after warm-up). */
import { expect, test } from './helpers/fixtures.ts';
import { events, pageNow, snapshot, stallsSince, waitForEvent, waitPlayedTo, waitReady, watchUrl } from './helpers/player.ts';

test('5 edge failure: the edge in use dies mid-play, playback continues on another edge without a stall > 1 s', async ({
  page,
  engine,
  e2e,
  api,
  throttle,
}) => {
  // A moderate link keeps the player fetching (the buffer never holds the whole title).
  await throttle.set(3000, 20);
  await page.goto(watchUrl(e2e.originUrl, e2e.abr.id, { engine }));
  await waitReady(page);
  await waitPlayedTo(page, 2, 20_000);
  const seg = await waitForEvent(page, 0, { type: 'segment' }, 10_000);
  expect(seg, 'segments are being fetched').not.toBeNull();
  const before = await snapshot(page);
  const inUse = (before.edge ?? (seg!.edge as string | null)) as string | null;
  expect(inUse, 'window.__player.edge names the edge in use (X-Edge)').toBeTruthy();
  expect(e2e.edges.map((x) => x.id)).toContain(inUse);

  await api.failEdge(inUse!);
  const failT = await pageNow(page);
  // The chaos switch really took the edge down.
  const deadEdge = e2e.edges.find((x) => x.id === inUse)!;
  const probeDead = await fetch(new URL(`/media/${e2e.abr.id}/title.json`, deadEdge.url)).then((r) => r.status).catch(() => 0);
  expect(probeDead === 0 || probeDead >= 500, `${inUse} answers media requests with an error while failed (got ${probeDead})`).toBe(true);
  const other = await waitForEvent(page, failT, { type: 'segment', edgeNot: inUse! }, 15_000);
  expect(other, `a segment from another edge than ${inUse} after it failed`).not.toBeNull();
  const t0 = (await snapshot(page)).currentTime;
  await page.waitForTimeout(6000);
  const after = await snapshot(page);
  const stalls = stallsSince(await events(page), failT, after.now);
  expect(after.currentTime - t0, 'playback continues').toBeGreaterThan(3);
  for (const s of stalls) expect(s.ms, `no stall over 1 s after the edge failure (${JSON.stringify(stalls)})`).toBeLessThanOrEqual(1000);
  await expect(page.getByTestId('player-error')).toHaveCount(0);
});

test('6 origin outage after warm-up: the cached title keeps playing from the edges', async ({ page, engine, e2e, api, throttle }) => {
  // Warm-up: fetch every file of the title through every edge (fills their caches deterministically).
  const id = e2e.clip.id;
  const files = await titleFiles(e2e.originUrl, id);
  for (const edge of e2e.edges) {
    for (const f of files.required) {
      const res = await fetch(new URL(f, edge.url));
      expect(res.ok, `warm-up GET ${edge.id} ${f}`).toBe(true);
      await res.arrayBuffer();
    }
    for (const f of files.extra) await fetch(new URL(f, edge.url)).then((r) => r.arrayBuffer()).catch(() => undefined);
  }
  await throttle.set(3000, 20);
  await page.goto(watchUrl(e2e.originUrl, id, { engine }));
  await waitReady(page);
  await waitPlayedTo(page, 1, 20_000);
  await api.failOrigin();
  const failT = await pageNow(page);
  const originStatus = await fetch(new URL(files.required[files.required.length - 1]!, e2e.originUrl)).then((r) => r.status).catch(() => 0);
  expect(originStatus === 0 || originStatus >= 500, `the origin refuses media while failed (got ${originStatus})`).toBe(true);
  // Media now has to come from the edges' caches; jump ahead to force fresh fetches.
  const dur = e2e.clip.durationSec;
  await page.evaluate((t) => (window as any).__player.seek(t), dur / 2);
  const seg = await waitForEvent(page, failT, { type: 'segment' }, 15_000);
  expect(seg, 'segments still arrive during the origin outage').not.toBeNull();
  const t0 = (await snapshot(page)).currentTime;
  await page.waitForTimeout(5000);
  const after = await snapshot(page);
  expect(after.currentTime - t0, 'playback continues during the origin outage').toBeGreaterThan(2.5);
  await expect(page.getByTestId('player-error')).toHaveCount(0);
  const ev = await events(page, failT);
  const segs = ev.filter((e) => e.type === 'segment');
  expect(segs.length).toBeGreaterThan(0);
  expect(segs.every((e) => typeof e.edge === 'string' && /^edge-/.test(e.edge as string)), `segments served by edges: ${JSON.stringify(segs.map((e) => e.edge))}`).toBe(true);
});

/** Every media URL of a title, relative to a server root, from its title.json (paths relative to the title folder). */
async function titleFiles(origin: string, id: string): Promise<{ required: string[]; extra: string[] }> {
  const base = `/media/${encodeURIComponent(id)}/`;
  const res = await fetch(new URL(base + 'title.json', origin));
  if (!res.ok) throw new Error(`GET ${base}title.json → ${res.status}`);
  const t = (await res.json()) as import('../../encoder/catalog/title-json.ts').TitleJson;
  const files = [t.hls, t.dash];
  for (const r of [...t.renditions, ...(t.audio ? [t.audio] : [])]) {
    files.push(r.playlist, r.init, ...r.segments.map((s) => (s.file.includes('/') ? s.file : dirOf(r.playlist) + s.file)));
  }
  const extra = [t.poster, ...(t.thumbnails ? [t.thumbnails.vtt, ...t.thumbnails.sprites] : [])];
  return { required: [...new Set(files)].map((f) => base + f), extra: extra.map((f) => base + f) };
}
const dirOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/') + 1) : '');
