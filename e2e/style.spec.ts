// One look across the lab: every button and text area in every section wears the lab's style (never the
// browser's grey default or its own font), and generated text is set in the page's font, not a serif.
import { expect, test, type Page } from '@playwright/test';

/** Computed styles of the visible buttons and text areas, and the page's own font. */
async function controlStyles(page: Page) {
  return page.evaluate(() => {
    const visible = (el: Element) => (el as HTMLElement).offsetParent !== null;
    const pageFont = getComputedStyle(document.documentElement).fontFamily;
    const buttons = [...document.querySelectorAll('button')].filter(visible).map((b) => {
      const s = getComputedStyle(b);
      return {
        text: (b.getAttribute('aria-label') ?? b.textContent ?? '').trim().slice(0, 40),
        background: s.backgroundColor,
        font: s.fontFamily,
        cursor: s.cursor,
      };
    });
    const textareas = [...document.querySelectorAll('textarea')].filter(visible).map((t) => {
      const s = getComputedStyle(t);
      return { font: s.fontFamily, size: s.fontSize, radius: s.borderRadius, border: s.borderTopColor };
    });
    const generated = [...document.querySelectorAll('.playground-transcript, .chat-turn')].map((e) => getComputedStyle(e).fontFamily);
    // a serif anywhere in the lab's style sheets (generated text appears only once a model runs)
    const serifRules = [...document.styleSheets]
      .flatMap((sheet) => [...sheet.cssRules])
      .filter((r): r is CSSStyleRule => r instanceof CSSStyleRule && /(^|[^-])serif|Georgia/.test(r.style.fontFamily))
      .map((r) => r.selectorText);
    return { pageFont, buttons, textareas, generated, serifRules };
  });
}

test('every button and text area wears the lab style, and generated text is not serif', async ({ page }) => {
  await page.goto('/');
  const nav = page.getByRole('navigation', { name: 'Lab sections' });
  const seen = { buttons: 0, textareas: [] as Array<{ font: string; size: string; radius: string; border: string }> };
  for (const section of ['RoPE analytics', 'Model & playground', 'Probes']) {
    await nav.getByRole('button', { name: section }).click();
    await expect(nav.getByRole('button', { name: section })).toHaveAttribute('aria-current', 'page');
    const styles = await controlStyles(page);
    for (const b of styles.buttons) {
      // Chromium's default ButtonFace is rgb(239, 239, 239) (and rgb(240, 240, 240) on some builds)
      expect(b.background, `button "${b.text}" in ${section}`).not.toMatch(/^rgb\(2(39|40), 2(39|40), 2(39|40)\)$/);
      expect(b.font, `button "${b.text}" in ${section}`).toBe(styles.pageFont);
      expect(['pointer', 'default'], `button "${b.text}" in ${section}`).toContain(b.cursor);
    }
    for (const f of styles.generated) expect(f).toBe(styles.pageFont);
    expect(styles.serifRules).toEqual([]);
    seen.buttons += styles.buttons.length;
    seen.textareas.push(...styles.textareas);
    for (const t of styles.textareas) expect(t.font).toBe(styles.pageFont);
  }
  expect(seen.buttons).toBeGreaterThan(10);
  // every text area looks alike
  expect(seen.textareas.length).toBeGreaterThan(0);
  expect(new Set(seen.textareas.map((t) => `${t.size} ${t.radius} ${t.border}`)).size).toBe(1);
});
