// Reads a backup archive the SDK downloaded, for tests: src/ may not import node: modules (the
// SDK runs in browsers and React Native), its test tooling may.
import { gunzipSync } from "node:zlib";

/** The archive's tar stream as text (entry names and JSON are ASCII): what a test looks into. */
export function archiveText(bytes: Uint8Array): string {
  return gunzipSync(bytes).toString("latin1");
}
