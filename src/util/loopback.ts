/**
 * Whether a host name (as `URL.hostname` gives it, or as a bind address is written) is this
 * machine's loopback: all of 127.0.0.0/8, ::1 (bracketed or not) and `localhost`. The one check
 * behind "plain http:// only on loopback" and "a key unless bound to loopback".
 */
export function isLoopbackHost(host: string): boolean {
  const lower = host.toLowerCase();
  return lower === 'localhost' || lower === '::1' || lower === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/u.test(lower);
}
