// Where a file's bytes go and where they are read back from. New files go to the active backend
// (the `storage` setting); files stored before a switch are read from the backend that holds them
// (cairn.files.storage), so a switch loses nothing and `cairn files migrate` moves them over.
import type { StorageAdapter } from "@cairn/storage";

/** The backends a file can live on; the value stored in cairn.files.storage. */
export const storageKinds = ["local", "s3"] as const;
export type StorageKind = (typeof storageKinds)[number];

export interface FileStorage {
  /** The backend new files are written to, as the settings say now. */
  active(): Promise<{ kind: StorageKind; adapter: StorageAdapter }>;
  /** The backend that holds files stored under `kind` (UNAVAILABLE when it is not configured). */
  adapter(kind: StorageKind): Promise<StorageAdapter>;
  /** Forget cached adapters so the next call reads the settings again (after a change). */
  invalidate(): void;
  /** Closes every adapter it opened. */
  close(): Promise<void>;
}

/** A FileStorage over fixed adapters (tests, and tools that open storage themselves). */
export function fixedFileStorage(
  adapters: Partial<Record<StorageKind, StorageAdapter>>,
  activeKind: StorageKind = "local",
): FileStorage {
  const get = (kind: StorageKind) => {
    const adapter = adapters[kind];
    if (!adapter) throw new Error(`No "${kind}" storage is configured.`);
    return adapter;
  };
  return {
    active: async () => ({ kind: activeKind, adapter: get(activeKind) }),
    adapter: async (kind) => get(kind),
    invalidate() {},
    async close() {
      await Promise.all(Object.values(adapters).map((adapter) => adapter?.close()));
    },
  };
}
