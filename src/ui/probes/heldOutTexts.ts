// The held-out addresses (src/data/split.ts) from the built-in catalog, which is loaded on first use (it
// pulls in the loader map of ~300 lazily loaded documents).
export async function heldOutTexts(): Promise<string[]> {
  const [{ viteBuiltinTexts }, { heldOutTextIds }] = await Promise.all([import('../../data/texts-vite.ts'), import('../../data/split.ts')]);
  return heldOutTextIds(viteBuiltinTexts());
}
