// Which browser the suite drives: Debian's Chromium package, never a downloaded build, so the
// suite runs wherever `apt-get install chromium` does (CAIRN_E2E_CHROMIUM points elsewhere).
export const chromiumPath = process.env.CAIRN_E2E_CHROMIUM ?? "/usr/bin/chromium";

export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
