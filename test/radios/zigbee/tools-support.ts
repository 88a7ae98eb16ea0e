/** Asking the Zigbee test hub a bridge request over MQTT and reading its answer (matched by transaction). */
import type { ZigbeeHub } from './support.js';

let counter = 0;

export interface Answer {
  status: string;
  data: Record<string, unknown>;
  error?: { code: string; message: string };
  transaction?: unknown;
}

export async function askBridge(hub: ZigbeeHub, command: string, body: Record<string, unknown>, timeoutMs = 15_000): Promise<Answer> {
  const transaction = `t${++counter}`;
  const answered = hub.watch.waitFor(
    `hearth/zb/bridge/response/${command}`,
    (payload) => (JSON.parse(payload) as Answer).transaction === transaction,
    timeoutMs,
  );
  await hub.watch.client.publishAsync(`hearth/zb/bridge/request/${command}`, JSON.stringify({ ...body, transaction }), { qos: 1 });
  return JSON.parse((await answered).payload) as Answer;
}

/** The latest state the hub published for a device topic, parsed. */
export function lastState(hub: ZigbeeHub, topic: string): Record<string, unknown> | undefined {
  const message = hub.watch.received.filter((m) => m.topic === topic).at(-1);
  return message === undefined ? undefined : (JSON.parse(message.payload) as Record<string, unknown>);
}
