/**
 * The resilience metrics on /metrics: each radio's state and breaker state, breaker openings,
 * half-open probes and refused commands (radio and device scope), bulkhead occupancy, and
 * failed commands by error code, the same code that the log line and the MQTT error answer
 * carry.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { RadioKind } from '../model/device-id.js';
import type { BreakerState, BreakerTransition } from '../model/breaker-state.js';
import type { RadioGuard } from './radio-guard.js';

const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };
const RADIO_STATES = ['stopped', 'starting', 'running', 'restarting', 'down'] as const;

export class ResilienceMetrics {
  private readonly guards = new Map<RadioKind, RadioGuard>();
  private readonly radioStates = new Map<RadioKind, string>();
  private readonly openDevices = new Map<RadioKind, Set<string>>();
  private readonly radioBreakers = new Map<RadioKind, BreakerState>();
  private readonly opens: Counter<'radio' | 'scope'>;
  private readonly probes: Counter<'radio' | 'scope'>;
  private readonly commandFailures: Counter<'code'>;
  private readonly suppressedWarnings: Counter;

  constructor(registry: Registry) {
    const guards = this.guards;
    new Gauge({
      name: 'hearth_radio_breaker_state',
      help: "State of each radio's circuit breaker: 0 closed, 1 half-open, 2 open.",
      labelNames: ['radio'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [kind, guard] of guards) this.set({ radio: kind }, BREAKER_VALUE[guard.state]);
      },
    });
    const states = this.radioStates;
    new Gauge({
      name: 'hearth_radio_state',
      help: "Each radio's supervision state: 1 for the state it is in (running, restarting, down, …), 0 for the others.",
      labelNames: ['radio', 'state'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [kind, now] of states) for (const state of RADIO_STATES) this.set({ radio: kind, state }, state === now ? 1 : 0);
      },
    });
    const openDevices = this.openDevices;
    new Gauge({
      name: 'hearth_device_breakers_open',
      help: 'Devices whose circuit breaker is open (or half-open), per radio.',
      labelNames: ['radio'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [kind, devices] of openDevices) this.set({ radio: kind }, devices.size);
      },
    });
    const stat = (name: string, help: string, read: (guard: RadioGuard) => number, kind: 'counter' | 'gauge'): void => {
      const Metric = kind === 'counter' ? Counter : Gauge;
      new Metric({
        name,
        help,
        labelNames: ['radio'],
        registers: [registry],
        collect(this: Gauge<'radio'> | Counter<'radio'>) {
          this.reset();
          for (const [radio, guard] of guards) this.inc({ radio }, read(guard));
        },
      });
    };
    stat(
      'hearth_radio_breaker_rejected_total',
      "Commands refused at once (CIRCUIT_OPEN) because the radio's breaker was open.",
      (guard) => guard.stats.rejected,
      'counter',
    );
    stat(
      'hearth_radio_bulkhead_rejected_total',
      "Commands refused (RADIO_BUSY) because the radio's bulkhead queue was full.",
      (guard) => guard.stats.busy,
      'counter',
    );
    stat(
      'hearth_radio_commands_in_flight',
      'Commands running on the radio now (inside its bulkhead).',
      (guard) => guard.stats.inFlight,
      'gauge',
    );
    this.opens = new Counter({
      name: 'hearth_breaker_opens_total',
      help: 'Times a breaker opened (scope radio or device; a failed probe re-opening it is not counted).',
      labelNames: ['radio', 'scope'],
      registers: [registry],
    });
    this.probes = new Counter({
      name: 'hearth_breaker_probes_total',
      help: 'Half-open probes of open breakers (scope radio or device).',
      labelNames: ['radio', 'scope'],
      registers: [registry],
    });
    this.commandFailures = new Counter({
      name: 'hearth_command_failures_total',
      help: 'Commands and bridge requests that failed, by error code.',
      labelNames: ['code'],
      registers: [registry],
    });
    this.suppressedWarnings = new Counter({
      name: 'hearth_command_failure_warnings_suppressed_total',
      help: 'Failure warnings left out of the log by its rate limit (a few per error code and device per minute are logged).',
      registers: [registry],
    });
  }

  watch(guard: RadioGuard): void {
    this.guards.set(guard.kind, guard);
  }

  radioState(kind: RadioKind, state: string): void {
    this.radioStates.set(kind, state);
  }

  /** Counts a breaker's transition; an open after a failed probe (from half-open) is no new opening. */
  transition(transition: BreakerTransition): void {
    const labels = { radio: transition.radio, scope: transition.scope };
    if (transition.state === 'half_open') this.probes.inc(labels);
    if (transition.scope === 'radio') {
      if (transition.state === 'open' && this.radioBreakers.get(transition.radio) !== 'half_open') this.opens.inc(labels);
      this.radioBreakers.set(transition.radio, transition.state);
      return;
    }
    if (transition.device === undefined) return;
    let open = this.openDevices.get(transition.radio);
    if (open === undefined) this.openDevices.set(transition.radio, (open = new Set()));
    if (transition.state === 'open' && !open.has(transition.device)) this.opens.inc(labels);
    if (transition.state === 'closed') open.delete(transition.device);
    else open.add(transition.device);
  }

  commandFailed(code: string): void {
    this.commandFailures.inc({ code });
  }

  warningSuppressed(): void {
    this.suppressedWarnings.inc();
  }
}
