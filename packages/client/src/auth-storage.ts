// Where the session lives between app starts: a tiny key-value interface that localStorage and
// React Native's AsyncStorage both already satisfy. Feature-detects; never assumes a browser.

/**
 * A key-value store for the session. Sync (localStorage) or async (AsyncStorage) both fit.
 *
 * @example
 * import AsyncStorage from "@react-native-async-storage/async-storage";
 * const cairn = createClient(url, { auth: { storage: AsyncStorage } });
 */
export interface AuthStorage {
  getItem(key: string): string | null | Promise<string | null>;
  setItem(key: string, value: string): void | Promise<void>;
  removeItem(key: string): void | Promise<void>;
}

/**
 * Keeps the session in memory only: it is gone when the process ends (the default in Node).
 *
 * @example
 * const cairn = createClient(url, { auth: { storage: memoryStorage() } });
 */
export function memoryStorage(): AuthStorage {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

/**
 * The browser's localStorage when there is one that works, else undefined. Touching
 * localStorage can throw (Safari private mode, sandboxed iframes), hence the probe.
 *
 * @example
 * const storage = browserStorage() ?? memoryStorage();
 */
export function browserStorage(): AuthStorage | undefined {
  try {
    const storage = (globalThis as { localStorage?: AuthStorage }).localStorage;
    if (!storage) return undefined;
    const probe = "__cairn_probe__";
    storage.setItem(probe, probe);
    storage.removeItem(probe);
    return storage;
  } catch {
    return undefined;
  }
}
