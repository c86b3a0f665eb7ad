/** Scenario 1: catalogue → watch, first frame, currentTime advances, no console errors; startup recorded. */
import { expect, realConsoleErrors, test } from './helpers/fixtures.ts';
import { recordMetrics } from './helpers/metrics.ts';
import { snapshot, waitPlayedTo, waitReady, watchUrl, type AbrMode } from './helpers/player.ts';

for (const abr of ['ours', 'default'] as AbrMode[]) {
  test(`1 plays: catalogue → watch, first frame, time advances (${abr === 'ours' ? 'our ABR' : 'stock ABR'})`, async ({
    page,
    engine,
    e2e,
    consoleLog,
    throttle,
  }, testInfo) => {
    const id = e2e.clip.id;
    // Catalogue: the test title is listed and its card leads to /watch/<id>.
    await page.goto(e2e.originUrl + '/');
    const cards = page.getByTestId('title-card');
    await expect(cards.first()).toBeVisible();
    const card = cards.filter({ has: page.locator(`a[href*="/watch/${id}"]`) }).or(page.locator(`a[data-testid="title-card"][href*="/watch/${id}"]`));
    await expect(card.first(), `a title card linking to /watch/${id}`).toBeVisible();
    await card.first().click();
    await expect(page).toHaveURL(new RegExp(`/watch/${id}(\\?|$)`));
    await waitReady(page);

    // The measured start: a realistic link (20 Mbit/s, 40 ms) and the engine × ABR under test.
    await throttle.set(20_000, 40);
    await page.goto(watchUrl(e2e.originUrl, id, { engine, abr }));
    const ready = await waitReady(page);
    expect(ready.engine).toBe(engine);
    if (abr === 'default') expect(ready.abr).toBe('default');
    else expect(ready.abr).not.toBe('default');
    expect(ready.titleId).toBe(id);

    const first = await waitPlayedTo(page, 0.2, 20_000); // first frame decoded and shown, playhead moving
    expect(first.videoWidth).toBeGreaterThan(0);
    await page.waitForTimeout(2000);
    const later = await snapshot(page);
    const s = later;
    await recordMetrics(testInfo, {
      scenario: 'plays',
      engine,
      abr,
      startupMs: s.startupMs,
      stalls: s.stalls.count,
      stallMs: s.stalls.totalMs,
      notes: 'startup at 20 Mbit/s, 40 ms (CDP)',
    });
    expect(later.currentTime - first.currentTime, 'currentTime advances ~2 s in 2 s').toBeGreaterThan(1.2);
    expect(later.paused).toBe(false);
    expect(s.startupMs, 'startup time recorded in window.__player.startupMs').not.toBeNull();
    expect(s.startupMs!).toBeGreaterThan(0);
    expect((await page.evaluate(() => (window as any).__player.events.filter((e: any) => e.type === 'startup').length)) as number).toBeGreaterThan(0);
    await expect(page.getByTestId('player-error')).toHaveCount(0);
    expect(realConsoleErrors(consoleLog), 'no console errors').toEqual([]);
  });
}
