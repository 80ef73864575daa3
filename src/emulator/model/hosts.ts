// Host names as the emulator judges them: which Host headers it answers and which URLs it may call.

/** The host name of a Host header or an origin's authority, lower case, without port or IPv6 brackets. */
export function hostName(authority: string): string | undefined {
  const m = /^(?:\[([0-9a-f:.]+)\]|([^\s:/?#[\]@]+))(?::(\d{1,5}))?$/i.exec(authority.trim());
  if (m === null) return undefined;
  return (m[1] ?? m[2] ?? '').toLowerCase().replace(/\.$/, '');
}

const IPV4 = /^(?:\d{1,3}\.){3}\d{1,3}$/;

export function isIpLiteral(name: string): boolean {
  return IPV4.test(name) || name.includes(':');
}

/** Loopback by name or address: what the emulator may call without being told to. */
export function isLoopbackHost(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost') || name.startsWith('127.') || name === '::1';
}

/** An http(s) URL the emulator may send requests to: a loopback host, or one of `outbound`. */
export function outboundAllowed(url: URL, outbound: ReadonlySet<string>): boolean {
  const name = hostName(url.host);
  return name !== undefined && (isLoopbackHost(name) || outbound.has(name));
}
