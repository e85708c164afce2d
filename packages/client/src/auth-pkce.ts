// PKCE for the OAuth2 app flow (RFC 7636, S256) with Web Crypto, which browsers, Node and React
// Native (with a crypto polyfill) share; and a fragment reader that needs no URL class.

const urlSafe = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** base64url without padding, by hand: btoa and Buffer are not everywhere. */
export function base64url(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let c = 0; c < chars; c++) out += urlSafe[(n >> (18 - 6 * c)) & 63];
  }
  return out;
}

function webCrypto(): Crypto {
  const crypto = (globalThis as { crypto?: Crypto }).crypto;
  if (!crypto?.getRandomValues || !crypto.subtle?.digest) {
    throw new TypeError(
      "OAuth2 with PKCE needs Web Crypto (crypto.getRandomValues and crypto.subtle). In React " +
        "Native, install a polyfill such as react-native-quick-crypto.",
    );
  }
  return crypto;
}

/** A fresh verifier (43 characters) and its S256 challenge. */
export async function createPkce(): Promise<{ codeVerifier: string; codeChallenge: string }> {
  const crypto = webCrypto();
  const codeVerifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(codeVerifier));
  return { codeVerifier, codeChallenge: base64url(new Uint8Array(digest)) };
}

/** The key-value pairs of a URL's fragment (or of a bare `a=1&b=2` string). */
export function readFragment(url: string): Record<string, string> {
  const hash = url.indexOf("#");
  const text = hash === -1 ? (url.includes("://") ? "" : url) : url.slice(hash + 1);
  const out: Record<string, string> = {};
  for (const pair of text.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, " "));
    if (eq === -1) out[decode(pair)] = "";
    else out[decode(pair.slice(0, eq))] = decode(pair.slice(eq + 1));
  }
  return out;
}
