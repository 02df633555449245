/** The system Chromium's path (CHROMIUM_PATH, else the usual Debian places), or null when none exists. */
export function findChromium(): string | null;
