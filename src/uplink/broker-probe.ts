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
  let lastError: unknown;
  for (const protocolVersion of [5, 4] as const) {
    try {
      const client = await connectAsync(url, { ...options, protocolVersion, reconnectPeriod: 0, connectTimeout: timeoutMs }, false);
      await client.endAsync(true);
      return { ok: true, detail: `${url} accepted a connection (MQTT ${protocolVersion === 5 ? '5' : '3.1.1'})` };
    } catch (error) {
      lastError = error;
      const code = (error as { code?: unknown }).code;
      if (code !== 1 && code !== 0x84) break; // only a refused protocol version is worth a second try
    }
  }
  return { ok: false, detail: `${url}: ${describeError(lastError)}` };
}
