/** Scenario 8: a title that does not exist and a broken manifest show a clear message (not a blank player). */
import { expect, test } from './helpers/fixtures.ts';
import { watchUrl } from './helpers/player.ts';

function expectClear(text: string) {
  expect(text.trim().length, 'an error message is shown').toBeGreaterThan(10);
  expect(text).not.toMatch(/undefined|\[object Object\]|NaN/);
}

test('8a a title that does not exist shows a clear "not found" message', async ({ page, engine, e2e, consoleLog }) => {
  await page.goto(watchUrl(e2e.originUrl, 'no-such-title-e2e', { engine }));
  const err = page.getByTestId('player-error');
  await expect(err).toBeVisible({ timeout: 15_000 });
  const text = await err.innerText();
  expectClear(text);
  expect(text).toMatch(/not found|does not exist|doesn't exist|no such|unknown title/i);
  expect(consoleLog.filter((e) => e.type === 'pageerror'), 'no uncaught exceptions').toEqual([]);
});

test('8b a broken manifest shows a clear message', async ({ page, engine, e2e, consoleLog }) => {
  await page.goto(watchUrl(e2e.originUrl, e2e.brokenId, { engine }));
  const err = page.getByTestId('player-error');
  await expect(err).toBeVisible({ timeout: 20_000 });
  const text = await err.innerText();
  expectClear(text);
  expect(text).toMatch(/manifest|playlist|mpd|m3u8|parse|invalid|corrupt|malformed|could not|cannot|can't|unable/i);
  await expect(page.getByTestId('player-retry'), 'a retry button next to the error').toBeVisible();
  expect(consoleLog.filter((e) => e.type === 'pageerror'), 'no uncaught exceptions').toEqual([]);
});
