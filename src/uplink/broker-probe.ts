/**
 * Asks whether a broker answers: at the TCP level (is anything listening, used to decide on
 * the embedded broker) and at the MQTT level (does it accept our CONNECT, used by doctor).
 */
import { connect as tcpConnect } from 'node:net';
import { connectAsync, type IClientOptions } from 'mqtt';
import { describeError } from '../errors.js';

export type TcpProbe = 'open' | 'refused' | 'unreachable';

export function probeTcp(host: string, port: number, timeoutMs = 1000): Promise<TcpProbe> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port, timeout: timeoutMs });
    const finish = (result: TcpProbe): void => {
      socket.destroy();
      resolve(result);
    };
    socket.once('connect', () => finish('open'));
    socket.once('timeout', () => finish('unreachable'));
    socket.once('error', (error: NodeJS.ErrnoException) => finish(error.code === 'ECONNREFUSED' ? 'refused' : 'unreachable'));
  });
}

export interface MqttProbeResult {
  ok: boolean;
  detail: string;
}

/** Connects once with `options` (no reconnect), and disconnects at once. */
export async function probeMqtt(url: string, options: IClientOptions, timeoutMs = 3000): Promise<MqttProbeResult> {
  try {
    const client = await connectAsync(url, { ...options, reconnectPeriod: 0, connectTimeout: timeoutMs }, false);
    const version = client.options.protocolVersion ?? 4;
    await client.endAsync(true);
    return { ok: true, detail: `${url} accepted a connection (MQTT ${version === 5 ? '5' : '3.1.1'})` };
  } catch (error) {
    return { ok: false, detail: `${url}: ${describeError(error)}` };
  }
}
