/**
 * The hub's metrics registry (prom-client). It starts with the process metrics (RSS, CPU,
 * heap, event-loop lag) under the `hearth_` prefix; every part registers its own metrics on
 * the same registry.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

export function createMetricsRegistry(labels: Record<string, string> = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  // eventLoopMonitoringPrecision: sample the loop every 20 ms so a stall shows as lag.
  collectDefaultMetrics({ register: registry, prefix: 'hearth_', eventLoopMonitoringPrecision: 20 });
  return registry;
}
