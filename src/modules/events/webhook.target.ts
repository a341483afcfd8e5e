/**
 * Which webhook targets pocketbook may call. A subscription URL must not make the server reach its
 * own network (server-side request forgery): outside sandbox mode, addresses that are private,
 * loopback, link-local or otherwise not globally routable are refused unless the operator allows
 * them; sandbox mode always allows loopback so a developer's local receiver works. The check runs
 * when a subscription is written (resolving DNS) and again at every delivery, on the very address
 * the connection uses (see `guardedLookup`), so DNS that changes later cannot get around it.
 */
import dns from 'node:dns';
import { isIP } from 'node:net';
import type { Config } from '../../config.ts';

export type AddressClass = 'public' | 'loopback' | 'private' | 'link_local' | 'reserved';

export interface TargetPolicy {
  /** Any address is allowed (config.webhooks.allowPrivateTargets). */
  readonly allowPrivate: boolean;
  /** Loopback is allowed (sandbox mode). */
  readonly allowLoopback: boolean;
}

export function targetPolicy(config: Config): TargetPolicy {
  return { allowPrivate: config.webhooks.allowPrivateTargets, allowLoopback: config.mode === 'sandbox' };
}

function ipv4Octets(ip: string): number[] {
  return ip.split('.').map((part) => Number.parseInt(part, 10));
}

function classifyIpv4(ip: string): AddressClass {
  const [a = 0, b = 0, c = 0] = ipv4Octets(ip);
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if (a === 100 && b >= 64 && b <= 127) return 'private'; // carrier-grade NAT
  if (a === 169 && b === 254) return 'link_local';
  if (a === 0 || a >= 224) return 'reserved'; // "this network", multicast, reserved, broadcast
  if (a === 192 && b === 0 && (c === 0 || c === 2)) return 'reserved';
  if (a === 198 && (b === 18 || b === 19)) return 'reserved'; // benchmarking
  if ((a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113)) return 'reserved';
  return 'public';
}

/** Expands an IPv6 address to its eight 16-bit groups. */
function ipv6Groups(ip: string): number[] {
  let text = ip.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  // A trailing dotted IPv4 part (::ffff:1.2.3.4) becomes two groups.
  const dotted = text.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = ipv4Octets(dotted[1]);
    text = text.slice(0, -dotted[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = tail === undefined ? 0 : 8 - headGroups.length - tailGroups.length;
  return [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups].map((group) => Number.parseInt(group, 16));
}

function classifyIpv6(ip: string): AddressClass {
  const g = ipv6Groups(ip);
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const embeddedV4 = `${g6 >> 8}.${g6 & 0xff}.${g7 >> 8}.${g7 & 0xff}`;
  const upperZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (upperZero && g5 === 0 && g6 === 0 && g7 === 1) return 'loopback';
  if (upperZero && g5 === 0 && g6 === 0 && g7 === 0) return 'reserved';
  if (upperZero && g5 === 0xffff) return classifyIpv4(embeddedV4); // IPv4-mapped
  if (g0 === 0x64 && g1 === 0xff9b) return classifyIpv4(embeddedV4); // NAT64
  if ((g0 & 0xfe00) === 0xfc00) return 'private'; // unique local
  if ((g0 & 0xffc0) === 0xfe80) return 'link_local';
  if ((g0 & 0xff00) === 0xff00) return 'reserved'; // multicast
  if (g0 === 0x2001 && g1 === 0x0db8) return 'reserved'; // documentation
  return 'public';
}

/** The class of an IP address (v4 or v6, IPv4-mapped v6 judged by its v4 address). */
export function classifyAddress(ip: string): AddressClass {
  const family = isIP(ip);
  if (family === 4) return classifyIpv4(ip);
  if (family === 6) return classifyIpv6(ip);
  return 'reserved';
}

export function isAddressAllowed(policy: TargetPolicy, ip: string): boolean {
  if (policy.allowPrivate) return true;
  const kind = classifyAddress(ip);
  return kind === 'public' || (kind === 'loopback' && policy.allowLoopback);
}

/** A URL's host without IPv6 brackets. */
export function urlHost(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/** Why a subscription URL is not acceptable as written, or undefined when it is. */
export function urlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be an absolute http or https URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL';
  if (!url.hostname) return 'must name a host';
  if (url.username || url.password) return 'must not carry credentials';
  return undefined;
}

/**
 * Why pocketbook may not call `text`, or undefined when it may. Resolves the host name (all its
 * addresses must be allowed); a name that does not resolve is refused.
 */
export async function targetProblem(policy: TargetPolicy, text: string): Promise<string | undefined> {
  if (policy.allowPrivate) return undefined;
  const host = urlHost(new URL(text));
  const literal = isIP(host) !== 0;
  let addresses: string[];
  if (literal) {
    addresses = [host];
  } else {
    try {
      addresses = (await dns.promises.lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
    } catch {
      return 'host does not resolve';
    }
  }
  if (addresses.length === 0) return 'host does not resolve';
  const refused = addresses.find((address) => !isAddressAllowed(policy, address));
  if (refused !== undefined) return `resolves to a ${classifyAddress(refused).replace('_', '-')} address, which is not allowed`;
  return undefined;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/**
 * A `lookup` for node:http that resolves like the default one and then refuses any address the
 * policy does not allow, so the check applies to the address actually connected to.
 */
export function guardedLookup(policy: TargetPolicy) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const refused = addresses.find((entry) => !isAddressAllowed(policy, entry.address));
      if (refused || addresses.length === 0) {
        const denied: NodeJS.ErrnoException = new Error('target address not allowed');
        denied.code = 'ETARGETREFUSED';
        return callback(denied, []);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0]!;
      return callback(null, first.address, first.family);
    });
  };
}
