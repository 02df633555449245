import { expect, test } from '@playwright/test';

test('the lab page loads', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'RoPE Lab' })).toBeVisible();
});
