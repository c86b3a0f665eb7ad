/**
 * Scenario 7: seek to the middle and near the end; thumbnails on seek-bar hover; a manual quality pin holds
 * under throttling (server-side session shaping this time, not CDP); back to Auto adapts.
 */
import { expect, test, type Page } from './helpers/fixtures.ts';
import { bestFitting, describeRungs, events, fittingRungs, pageNow, snapshot, waitForEvent, waitPlayedTo, waitReady, watchUrl } from './helpers/player.ts';

test('7a seek to the middle and near the end; thumbnails on seek-bar hover', async ({ page, engine, e2e }) => {
  const title = e2e.abr;
  await page.goto(watchUrl(e2e.originUrl, title.id, { engine }));
  await waitReady(page);
  await waitPlayedTo(page, 1, 20_000);
  const dur = title.durationSec;

  // Thumbnails: hovering the seek bar shows a preview whose sprite image loads.
  const bar = page.getByTestId('seek-bar');
  await expect(bar).toBeVisible();
  const box = (await bar.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
  const thumb = page.getByTestId('thumb-preview');
  await expect(thumb, 'thumbnail preview on seek-bar hover').toBeVisible();
  const img = await thumb.evaluate((el) => {
    const i = el.querySelector('img') as HTMLImageElement | null;
    const bg = [el, ...Array.from(el.querySelectorAll('*'))].map((n) => getComputedStyle(n as Element).backgroundImage).find((b) => b && b !== 'none');
    return { src: i?.currentSrc || i?.src || null, bg: bg ?? null };
  });
  const url = img.src ?? /url\("?([^")]+)"?\)/.exec(img.bg ?? '')?.[1] ?? null;
  expect(url, `the preview shows a sprite image (${JSON.stringify(img)})`).toBeTruthy();
  const spriteOk = await page.evaluate(async (u) => (await fetch(u!)).ok, url);
  expect(spriteOk, `sprite ${url} loads`).toBe(true);

  // Seek to the middle by clicking the bar.
  await page.mouse.click(box.x + box.width * 0.5, box.y + box.height / 2);
  await expect.poll(async () => (await snapshot(page)).currentTime, { timeout: 15_000 }).toBeGreaterThan(dur * 0.4);
  const mid = await snapshot(page);
  expect(mid.currentTime).toBeLessThan(dur * 0.65);
  await page.waitForTimeout(1500);
  expect((await snapshot(page)).currentTime, 'plays on after the seek to the middle').toBeGreaterThan(mid.currentTime + 0.5);

  // Near the end (through the probe): lands there, plays to the end or keeps going, no error.
  const nearEnd = Math.max(0, dur - 4);
  await page.evaluate((t) => (window as any).__player.seek(t), nearEnd);
  await expect.poll(async () => (await snapshot(page)).currentTime, { timeout: 15_000 }).toBeGreaterThan(nearEnd - 0.5);
  await page.waitForTimeout(1000);
  await expect(page.getByTestId('player-error')).toHaveCount(0);

  await expect(page.getByTestId('player-error')).toHaveCount(0);
});

test('7b manual quality pin holds under server-side throttling; back to Auto adapts', async ({ page, engine, e2e, api }) => {
  const title = e2e.abr;
  // Server-side shaping from the first request (manifest query, passed through by the page) ...
  const linkKbps = 1200;
  await page.goto(watchUrl(e2e.originUrl, title.id, { engine, params: { shape_kbps: linkKbps, latency_ms: 40 } }));
  const ready = await waitReady(page);
  await waitPlayedTo(page, 2, 30_000);
  const top = bestFitting(ready.rungs, 1e9);
  expect(fittingRungs(ready.rungs, linkKbps).includes(top), `ladder has a rung above ${linkKbps} kbit/s: ${describeRungs(ready.rungs)}`).toBe(false);

  await pickQuality(page, top);
  const pinT = await pageNow(page);
  await expect.poll(async () => (await snapshot(page)).auto, { timeout: 5000 }).toBe(false);
  expect((await snapshot(page)).selectedRung).toBe(top);
  await page.waitForTimeout(8000);
  const pinned = await snapshot(page);
  const segs = (await events(page, pinT)).filter((e) => e.type === 'segment');
  expect(pinned.auto).toBe(false);
  expect(pinned.selectedRung, 'the pin holds').toBe(top);
  // The first one may have been in flight when the pin was set.
  const afterFirst = segs.slice(1);
  expect(segs.some((e) => e.rung === top), `top-rung segments fetched while pinned (${JSON.stringify(segs.map((e) => e.rung))})`).toBe(true);
  expect(afterFirst.filter((e) => e.rung !== top), `segments fetched while pinned stay on rung #${top}`).toEqual([]);
  expect((await events(page, pinT)).filter((e) => e.type === 'abr-decision' && e.to !== top), 'no ABR decision away from the pin').toEqual([]);
  // The server's shaping is really in force: top-rung segments arrive no faster than the link allows.
  const kbps = afterFirst.filter((e) => (e.ms as number) > 0).map((e) => ((e.bytes as number) * 8) / (e.ms as number));
  if (kbps.length) expect(Math.max(...kbps), `segment throughput under ${linkKbps} kbit/s server shaping`).toBeLessThan(linkKbps * 1.5);

  // ... and tightened mid-play through the session API; back to Auto must adapt to it.
  const lowKbps = 600;
  const fit = fittingRungs(ready.rungs, lowKbps);
  await api.shape(pinned.sessionId, { kbps: lowKbps, latencyMs: 40 });
  // Taken before the click: the first Auto decision can come before a page-clock read after it returns.
  const autoT = await pageNow(page);
  await pickQuality(page, 'auto');
  await expect.poll(async () => (await snapshot(page)).auto, { timeout: 5000 }).toBe(true);
  const adapted = await waitForEvent(page, autoT, { type: 'abr-decision', toIn: fit }, 20_000);
  expect(adapted, `back on Auto, an abr-decision to a rung that fits ${lowKbps} kbit/s (${fit.join(',')})`).not.toBeNull();
  await api.shape(pinned.sessionId, { kbps: null, latencyMs: 0 });
  await expect(page.getByTestId('player-error')).toHaveCount(0);
});

/** Choose a quality through the menu UI: open it when the option is hidden, then click the option. */
async function pickQuality(page: Page, q: number | 'auto'): Promise<void> {
  const menu = page.getByTestId('quality-menu');
  const option = menu.locator(`[data-quality="${q}"]`);
  await expect(option, `quality-menu option data-quality="${q}"`).toHaveCount(1);
  if (!(await option.isVisible())) await menu.locator('button').first().click();
  await expect(option).toBeVisible();
  await option.click();
}
