/** Where the broker or brokers are, as URLs and as host/port, from config; and whether that is this host. */
import type { HearthConfig } from './schema.js';

export function serverUrl(protocol: string, host: string, port: number): string {
  return `${protocol}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The brokers the hub uses in turn: `uplink.servers` (each port defaulting to uplink.port), else host and port. */
export function brokerServers(config: HearthConfig): { host: string; port: number }[] {
  const { uplink } = config;
  return (uplink.servers ?? [{ host: uplink.host }]).map((server) => ({ host: server.host, port: server.port ?? uplink.port }));
}

/** The URL of the first broker the hub tries. */
export function brokerUrl(config: HearthConfig): string {
  const [first] = brokerServers(config);
  return serverUrl(config.uplink.protocol, first?.host ?? config.uplink.host, first?.port ?? config.uplink.port);
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
