// A part of the page that throws while rendering shows what failed in its place; the header, the tabs,
// the editor and the other views keep working. The failure is a real one: a browser that refuses 2D
// canvases (some privacy settings do) cannot paint the rotation heat map, which throws while rendering.
import { expect, test } from '@playwright/test';

test('a view that throws leaves the rest of the page working', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(() => {
    const getContext = HTMLCanvasElement.prototype.getContext;
    HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, type: string, ...rest: unknown[]) {
      return type === '2d' ? null : (getContext as (...a: unknown[]) => unknown).call(this, type, ...rest);
    } as typeof getContext;
  });
  await page.goto('/?view=rotation');
  const failure = page.locator('.section-error');
  await expect(failure).toContainText('The Rotation view stopped working: this browser cannot create a 2D canvas for the heat map');
  await expect(failure).toHaveAttribute('role', 'alert');
  await expect(page.getByRole('heading', { name: 'RoPE Lab' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Lab sections' }).getByRole('button')).toHaveCount(3);

  // The editor still edits, and another view draws the edited experiment.
  await page.getByRole('textbox', { name: 'Name of series 1' }).fill('still here');
  await page.getByRole('tab', { name: 'Decay' }).click();
  await expect(failure).toHaveCount(0);
  await expect(page.locator('.chart-svg path.series[data-series="still here"]')).toHaveAttribute('d', /^M/);
  // Back on the failing view, the failure shows again in its place, and "Try again" tries again.
  await page.getByRole('tab', { name: 'Rotation' }).click();
  await expect(failure).toContainText('The Rotation view stopped working');
  await failure.getByRole('button', { name: 'Try again' }).click();
  await expect(failure).toContainText('cannot create a 2D canvas');
  expect(errors).toEqual([]);
});
