// Starts one server for the whole run and passes its setup link (which carries its URL) to the
// workers through the environment, as Playwright documents; what it returns is the teardown.
import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { startCairnServer } from "./cairn-server.js";
import { chromiumPath } from "./chromium.js";
import { screenshotDir } from "./screenshots.js";

export default async function globalSetup(): Promise<() => Promise<void>> {
  // Said here, before Playwright suggests downloading a browser of its own.
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `No Chromium at ${chromiumPath}: \`apt-get install chromium\`, or set CAIRN_E2E_CHROMIUM.`,
    );
  }
  // Screenshots are a picture of this run only.
  await rm(screenshotDir, { recursive: true, force: true });
  await mkdir(screenshotDir, { recursive: true });
  const server = await startCairnServer({ logFile: join(screenshotDir, "server.log") });
  process.env.CAIRN_E2E_SETUP_LINK = server.setupLink;
  return () => server.stop();
}
