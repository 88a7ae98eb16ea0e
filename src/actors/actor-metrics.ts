/**
 * The actor runtime's metrics. The hot path only bumps plain numbers in a per-kind KindStats
 * (no label lookups per message); prom-client reads them when /metrics is scraped. The mailbox
 * depth and handler-time maxima are high-water marks since the previous scrape.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

export class KindStats {
  active = 0;
  dormant = 0;
  activations = 0;
  passivations = 0;
  passivationFailures = 0;
  restarts = 0;
  failures = 0;
  rejections = 0;
  escalations = 0;
  messages = 0;
  cancelled = 0;
  dropped = 0;
  deadLetters = 0;
  handlerMs = 0;
  maxDepth = 0;
}

type CounterField =
  | 'activations'
  | 'passivations'
  | 'passivationFailures'
  | 'restarts'
  | 'failures'
  | 'rejections'
  | 'escalations'
  | 'messages'
  | 'cancelled'
  | 'dropped'
  | 'deadLetters';

const COUNTERS: [CounterField, string, string][] = [
  ['activations', 'hearth_actor_activations_total', 'Incarnations started (first activation, re-activation after passivation, restart).'],
  ['passivations', 'hearth_actor_passivations_total', 'Actors passivated (snapshot saved, memory freed).'],
  [
    'passivationFailures',
    'hearth_actor_passivation_failures_total',
    'Passivations that failed (onPassivate or the snapshot store threw); the actor stayed active.',
  ],
  ['restarts', 'hearth_actor_restarts_total', 'Restarts after a failure.'],
  ['failures', 'hearth_actor_failures_total', 'Handler or start-up failures.'],
  ['rejections', 'hearth_actor_rejections_total', 'Messages an actor refused (an invalid command, a radio that said no); not failures.'],
  ['escalations', 'hearth_actor_escalations_total', 'Failures escalated to the system (restart budget spent or strategy said so).'],
  ['messages', 'hearth_actor_messages_total', 'Messages handled.'],
  ['cancelled', 'hearth_actor_asks_cancelled_total', 'Asks skipped because the asker gave up (timeout or abort) before their turn.'],
  ['dropped', 'hearth_actor_messages_dropped_total', 'Messages dropped by a drop-oldest mailbox overflow.'],
  ['deadLetters', 'hearth_actor_dead_letters_total', 'Messages left unhandled because their actor stopped or escalated.'],
];

export class ActorMetrics {
  private readonly kinds = new Map<string, KindStats>();

  constructor(registry?: Registry) {
    if (registry === undefined) return;
    const kinds = this.kinds;
    for (const [field, name, help] of COUNTERS) {
      new Counter({
        name,
        help,
        labelNames: ['kind'],
        registers: [registry],
        collect() {
          this.reset();
          for (const [kind, stats] of kinds) this.inc({ kind }, stats[field]);
        },
      });
    }
    new Counter({
      name: 'hearth_actor_handler_seconds_total',
      help: 'Time spent in message handlers (async ones until they settle).',
      labelNames: ['kind'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [kind, stats] of kinds) this.inc({ kind }, stats.handlerMs / 1000);
      },
    });
    new Gauge({
      name: 'hearth_actors_active',
      help: 'Actors with a live incarnation.',
      labelNames: ['kind'],
      registers: [registry],
      collect() {
        for (const [kind, stats] of kinds) this.set({ kind }, stats.active);
      },
    });
    new Gauge({
      name: 'hearth_actors_passivated',
      help: 'Registered actors without an incarnation (passivated, or not yet activated).',
      labelNames: ['kind'],
      registers: [registry],
      collect() {
        for (const [kind, stats] of kinds) this.set({ kind }, stats.dormant);
      },
    });
    new Gauge({
      name: 'hearth_actor_mailbox_depth_max',
      help: 'Deepest mailbox seen since the previous scrape.',
      labelNames: ['kind'],
      registers: [registry],
      collect() {
        for (const [kind, stats] of kinds) {
          this.set({ kind }, stats.maxDepth);
          stats.maxDepth = 0;
        }
      },
    });
  }

  /** The stats of one kind, created on first use. */
  of(kind: string): KindStats {
    let stats = this.kinds.get(kind);
    if (stats === undefined) {
      stats = new KindStats();
      this.kinds.set(kind, stats);
    }
    return stats;
  }

  /** Totals over every kind. */
  totals(): KindStats {
    const total = new KindStats();
    for (const stats of this.kinds.values()) {
      for (const key of Object.keys(total) as (keyof KindStats)[]) total[key] += stats[key];
    }
    return total;
  }
}
