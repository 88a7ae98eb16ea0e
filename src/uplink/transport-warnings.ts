/**
 * What is unsafe about how the hub reaches its broker, said once at start: a password sent in
 * the clear to another host, TLS settings that are not used because the protocol is plain
 * `mqtt`, and a broker certificate that is not checked.
 */
import type { HearthConfig } from '../config/schema.js';
import { brokerServers, isLoopbackHost } from '../config/broker-address.js';

export function transportWarnings(config: HearthConfig): string[] {
  const { uplink } = config;
  const warnings: string[] = [];
  const plain = uplink.protocol === 'mqtt';
  const remote = [...new Set(brokerServers(config).map((server) => server.host))].filter((host) => !isLoopbackHost(host));
  if (plain && uplink.password !== undefined && remote.length > 0) {
    warnings.push(
      `uplink.password goes in the clear over plain mqtt to ${remote.join(', ')}: anyone on the way can read it; set uplink.protocol: mqtts`,
    );
  }
  const tlsSet = (['ca', 'cert', 'key'] as const).filter((field) => uplink.tls[field] !== undefined).map((field) => `uplink.tls.${field}`);
  if (!uplink.tls.rejectUnauthorized) tlsSet.push('uplink.tls.rejectUnauthorized');
  if (plain && tlsSet.length > 0)
    warnings.push(
      `${tlsSet.join(', ')} set, but uplink.protocol is mqtt: the connection is plaintext and they are not used; set uplink.protocol: mqtts`,
    );
  if (!plain && !uplink.tls.rejectUnauthorized)
    warnings.push(
      `uplink.tls.rejectUnauthorized is false: the broker's certificate is not checked, so anyone on the way can pose as the broker and read the hub's credentials and traffic`,
    );
  return warnings;
}
