/**
 * Each Z-Wave node's zwave-js statistics in /metrics, read at scrape time from the running
 * Z-Wave radio's tools: commands sent, received and dropped, response timeouts (counters), and
 * round-trip time and RSSI (gauges), labelled by device id.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Radio } from './radio.js';
import { zwaveToolsOf, type ZWaveNodeStatistics } from './zwave-tools.js';

type Key = keyof Pick<
  ZWaveNodeStatistics,
  'commands_tx' | 'commands_rx' | 'commands_dropped_tx' | 'commands_dropped_rx' | 'timeout_response' | 'rtt_ms' | 'rssi_dbm'
>;

const METRICS: { name: string; help: string; key: Key; kind: 'counter' | 'gauge' }[] = [
  { name: 'hearth_zwave_node_commands_tx_total', help: 'Commands the Z-Wave node took.', key: 'commands_tx', kind: 'counter' },
  { name: 'hearth_zwave_node_commands_rx_total', help: 'Commands received from the Z-Wave node.', key: 'commands_rx', kind: 'counter' },
  {
    name: 'hearth_zwave_node_commands_dropped_tx_total',
    help: 'Commands to the Z-Wave node that could not be sent (no ACK, node dead).',
    key: 'commands_dropped_tx',
    kind: 'counter',
  },
  {
    name: 'hearth_zwave_node_commands_dropped_rx_total',
    help: 'Commands from the Z-Wave node the driver dropped.',
    key: 'commands_dropped_rx',
    kind: 'counter',
  },
  {
    name: 'hearth_zwave_node_timeout_response_total',
    help: 'Gets whose answer from the Z-Wave node did not come in time.',
    key: 'timeout_response',
    kind: 'counter',
  },
  { name: 'hearth_zwave_node_rtt_ms', help: 'Average round-trip time of commands to the Z-Wave node, ms.', key: 'rtt_ms', kind: 'gauge' },
  { name: 'hearth_zwave_node_rssi_dbm', help: 'Average RSSI of frames from the Z-Wave node, dBm.', key: 'rssi_dbm', kind: 'gauge' },
];

/** `zwave`: the Z-Wave radio as it is now (its library is loaded at its first start), read at each scrape. */
export function registerZWaveNodeMetrics(registry: Registry, zwave: () => Radio | undefined): void {
  for (const { name, help, key, kind } of METRICS) {
    const Metric = kind === 'counter' ? Counter : Gauge;
    new Metric({
      name,
      help,
      labelNames: ['device'],
      registers: [registry],
      collect(this: Gauge<'device'> | Counter<'device'>) {
        this.reset();
        const radio = zwave();
        const tools = radio === undefined ? undefined : zwaveToolsOf(radio);
        for (const [device, stats] of Object.entries(tools?.allStatistics() ?? {})) {
          const value = stats[key];
          if (value !== undefined) this.inc({ device }, value);
        }
      },
    });
  }
}
