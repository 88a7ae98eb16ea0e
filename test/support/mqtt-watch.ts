/** A plain mqtt.js subscriber for tests: collects what arrives on a topic filter. */
import { connectAsync, type MqttClient } from 'mqtt';
import { onTestFinished } from 'vitest';

export interface Received {
  topic: string;
  payload: string;
  retain: boolean;
}

export class MqttWatch {
  readonly received: Received[] = [];
  /** Every topic a message arrived on so far (a cheap check to poll while thousands arrive). */
  readonly topics = new Set<string>();
  private waiters: { predicate: (message: Received) => boolean; resolve: (message: Received) => void }[] = [];

  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      const message = { topic, payload: payload.toString(), retain: packet.retain };
      this.received.push(message);
      this.topics.add(topic);
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.predicate(message)) return true;
        waiter.resolve(message);
        return false;
      });
    });
  }

  static async connect(url: string, filter: string, options: { username?: string; password?: string } = {}): Promise<MqttWatch> {
    const client = await connectAsync(url, { reconnectPeriod: 0, ...options });
    const watch = new MqttWatch(client);
    onTestFinished(() => client.endAsync(true));
    await client.subscribeAsync(filter, { qos: 1 });
    return watch;
  }

  /** The first message (already received or to come) on `topic` whose payload matches; a deadline of 30 s (a busy 2-core CI machine runs four test files at once), not a speed bar. */
  waitFor(topic: string, payload?: string | ((payload: string) => boolean), timeoutMs = 30_000): Promise<Received> {
    const predicate = (message: Received): boolean =>
      message.topic === topic &&
      (payload === undefined || (typeof payload === 'string' ? message.payload === payload : payload(message.payload)));
    const seen = this.received.find(predicate);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`nothing on ${topic} within ${timeoutMs} ms; got ${JSON.stringify(this.received)}`)),
        timeoutMs,
      );
      this.waiters.push({
        predicate,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
      });
    });
  }
}

/** The retained message on a topic right now, read by a fresh subscriber (undefined if none). */
export async function retainedOn(
  url: string,
  topic: string,
  waitMs = 500,
  options: { username?: string; password?: string } = {},
): Promise<string | undefined> {
  const client = await connectAsync(url, { reconnectPeriod: 0, ...options });
  try {
    const got = new Promise<string>((resolve) => client.on('message', (_topic, payload) => resolve(payload.toString())));
    await client.subscribeAsync(topic, { qos: 1 });
    return await Promise.race([got, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), waitMs))]);
  } finally {
    await client.endAsync(true);
  }
}
