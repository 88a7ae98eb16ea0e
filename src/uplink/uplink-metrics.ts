/**
 * The uplink's metrics on the hub's registry: outbox messages set aside (a topic MQTT forbids,
 * or a publish that kept getting the connection dropped) and messages never enqueued because
 * MQTT forbids their topic.
 */
import { Counter, type Registry } from 'prom-client';

export function registerUplinkMetrics(registry: Registry, source: { setAside(): number; invalidTopics(): number }): void {
  new Counter({
    name: 'hearth_outbox_set_aside_total',
    help: 'Outbox messages set aside unpublished so that what is behind them goes out: a topic MQTT forbids, or a publish after which the broker kept dropping the connection.',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(source.setAside());
    },
  });
  new Counter({
    name: 'hearth_uplink_invalid_topics_total',
    help: 'Messages not published because MQTT forbids their topic (a control character, a non-character, a lone surrogate, a wildcard).',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(source.invalidTopics());
    },
  });
}
