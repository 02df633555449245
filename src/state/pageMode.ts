// How the page was opened: the full lab, or one view embedded in an iframe (`?embed=1`), optionally
// restricted to one host origin (`&origin=https://host.example`). Read once at start-up; not part of
// the experiment, so the lab never rewrites these parameters.

export interface PageMode {
  embed: boolean;
  /** The only origin whose messages are heeded and the targetOrigin of posts; null = any ('*'). */
  origin: string | null;
  /** Set when `origin` was present but unusable (then the embed listens to nobody). */
  originError?: string;
}

export function readPageMode(search: string): PageMode {
  const params = new URLSearchParams(search);
  const embed = params.get('embed') === '1';
  const rawOrigin = params.get('origin');
  if (rawOrigin === null) return { embed, origin: null };
  try {
    const url = new URL(rawOrigin);
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== rawOrigin.replace(/\/$/, ''))
      throw new Error('not an origin');
    return { embed, origin: url.origin };
  } catch {
    return {
      embed,
      origin: null,
      originError: `origin must be a scheme://host[:port] origin, got ${JSON.stringify(rawOrigin.slice(0, 80))}`,
    };
  }
}
