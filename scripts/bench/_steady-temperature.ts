/**
 * Report-to-subscriber latency at a steady 100 reports/s, for the radio benches: report n
 * carries the temperature 50.00 + n/100 °C, so the subscriber knows from the value when it was
 * sent. Resolves with the latencies of what arrived (sorted) once 99 % have.
 */
import { connectAsync } from 'mqtt';
import { until } from '../../test/support/until.js';

export async function steadyTemperatureLatency(
  port: number,
  topicFilter: string,
  report: (n: number, celsius: number) => void,
  count = 1000,
): Promise<number[]> {
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  const sub = await connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0 });
  sub.on('message', (_topic, payload) => {
    const temperature = (JSON.parse(payload.toString()) as { temperature?: number }).temperature;
    const key = temperature === undefined ? undefined : Math.round(temperature * 100);
    const at = key === undefined ? undefined : sentAt.get(key);
    if (key !== undefined && at !== undefined) {
      latencies.push(performance.now() - at);
      sentAt.delete(key);
    }
  });
  await sub.subscribeAsync(topicFilter, { qos: 1 });
  const began = performance.now();
  for (let n = 0; n < count; n++) {
    const due = began + n * 10;
    while (performance.now() < due) await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    sentAt.set(5000 + n, performance.now());
    report(n, (5000 + n) / 100);
  }
  await until(() => latencies.length >= count * 0.99, 60_000, 'steady reports reached the subscriber');
  await sub.endAsync();
  // the last few may still come in: what arrived until now
  return [...latencies].sort((a, b) => a - b);
}
