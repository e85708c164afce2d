// Setup file of the "client:browser" project: browser-like globals (window, document and a
// working localStorage), so the SDK's defaults pick the browser storage.
class FakeStorage {
  readonly #items = new Map<string, string>();
  get length() {
    return this.#items.size;
  }
  key(index: number) {
    return [...this.#items.keys()][index] ?? null;
  }
  getItem(key: string) {
    return this.#items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.#items.set(key, String(value));
  }
  removeItem(key: string) {
    this.#items.delete(key);
  }
  clear() {
    this.#items.clear();
  }
}

Object.assign(globalThis, {
  localStorage: new FakeStorage(),
  sessionStorage: new FakeStorage(),
  window: globalThis,
  document: { cookie: "" },
});
