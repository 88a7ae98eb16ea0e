/**
 * The hub's metrics registry (prom-client). It starts with the process metrics (RSS, CPU,
 * heap, event-loop lag) under the `hearth_` prefix; every part registers its own metrics on
 * the same registry.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

/** How often the event-loop lag histogram samples the loop. */
export const EVENT_LOOP_SAMPLE_MS = 1000;

export function createMetricsRegistry(labels: Record<string, string> = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  // eventLoopMonitoringPrecision: the lag histogram's timer, which wakes the process each time
  // (at 20 ms that was 50 wake-ups a second in an idle hub). Once a second: a stall of a second
  // or more always shows as lag, a shorter one as often as it overlaps a tick; the
  // nodejs_eventloop_lag_seconds gauge is measured at each scrape whatever the precision.
  collectDefaultMetrics({ register: registry, prefix: 'hearth_', eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  return registry;
}
