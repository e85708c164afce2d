// The build-time settings this app reads (Vite replaces import.meta.env.* when it bundles).
interface ImportMetaEnv {
  /** The Cairn server; the page's own origin when unset. */
  readonly VITE_CAIRN_URL?: string;
}
