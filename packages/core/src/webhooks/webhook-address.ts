// The SSRF guard: webhook URLs are chosen by admins, but a request from the server must never
// reach what only the server can reach (loopback, private networks, cloud metadata). Addresses
// are checked where the socket connects (the agent's DNS lookup), not when the URL is saved,
// so a name that resolves to a public address at save time and to 127.0.0.1 later (DNS
// rebinding) is still refused. Literal IPs skip DNS and are checked before connecting.
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";

const blocked = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], // "this" network
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local, cloud metadata (169.254.169.254)
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay anycast
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 96], // unspecified, loopback (::1), IPv4-compatible
  ["64:ff9b::", 96], // NAT64: would reach any IPv4 address, private ones included
  ["64:ff9b:1::", 48], // local-use NAT64
  ["100::", 64], // discard
  ["2001::", 32], // Teredo
  ["2001:db8::", 32], // documentation
  ["2002::", 16], // 6to4: embeds any IPv4 address
  ["fc00::", 7], // unique-local, AWS metadata (fd00:ec2::254)
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated)
  ["ff00::", 8], // multicast
] as const) {
  blocked.addSubnet(network, prefix, "ipv6");
}

/**
 * Whether a request must not go to `address`. IPv4-mapped IPv6 (::ffff:127.0.0.1) is judged
 * as the IPv4 address it maps to; something that is not an IP address is refused.
 */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const family = isIP(bare);
  if (family === 0) return true;
  return blocked.check(bare, family === 4 ? "ipv4" : "ipv6");
}

/** Recognised by its code: the address a webhook URL reaches is not allowed. */
export class BlockedAddressError extends Error {
  readonly code = "WEBHOOK_ADDRESS_BLOCKED";
  constructor(host: string, address: string) {
    super(
      host === address
        ? `Refused to connect to ${address}: a private, loopback or link-local address (allow private addresses in the webhook settings to deliver there).`
        : `Refused to connect to ${host}: it resolves to ${address}, a private, loopback or link-local address (allow private addresses in the webhook settings to deliver there).`,
    );
    this.name = "BlockedAddressError";
  }
}

/** Resolves a host name to its addresses (dns.lookup by default; tests bring their own). */
export type Resolve = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolve: Resolve = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );

/**
 * A `lookup` for http.Agent / net.connect: resolves with `resolve` and, unless `allowPrivate`,
 * fails the connection when any address is private, before a socket is opened.
 */
export function guardedLookup(resolve: Resolve, allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (found) => {
        const family = options.family === 4 || options.family === 6 ? options.family : undefined;
        const addresses = family ? found.filter((a) => a.family === family) : found;
        if (addresses.length === 0) {
          const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
            code: "ENOTFOUND",
          });
          callback(error, "", 0);
          return;
        }
        // One bad address refuses the name: the socket could pick any of them.
        const bad = allowPrivate ? undefined : addresses.find((a) => isPrivateAddress(a.address));
        if (bad) {
          callback(new BlockedAddressError(hostname, bad.address), "", 0);
          return;
        }
        if (options.all) {
          (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(
            null,
            addresses,
          );
        } else {
          callback(null, addresses[0]!.address, addresses[0]!.family);
        }
      },
      (error: unknown) => callback(error as NodeJS.ErrnoException, "", 0),
    );
  };
}
