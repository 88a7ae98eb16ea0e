/** Where the broker is, as a URL and as host/port, from config; and whether that is this host. */
import type { HearthConfig } from './schema.js';

export function brokerUrl(config: HearthConfig): string {
  const host = config.uplink.host.includes(':') ? `[${config.uplink.host}]` : config.uplink.host;
  return `${config.uplink.protocol}://${host}:${config.uplink.port}`;
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
