/**
 * The rules part: runs the hub's local rules on the event bus, whether or not the broker is
 * there. It hears every device's state and events (after the device actor's turn, never inside
 * it), fires the rules whose trigger matches (state tests armed and re-armed with their
 * hysteresis, availability, time of day, interval), checks their conditions, and hands their
 * actions to rule-actions.ts. A rule that fires more than `maxFiringsPerS` times in a second is
 * suspended (a loop); a failed action is a `rule_failed` event and a metric, never a failure
 * of the hub. `bridge/rules` is published from what it says on `rules.changed`.
 */
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { RuleDefinition } from '../config/rules-schema.js';
import type { DeviceService } from '../devices/device-service.js';
import type { HubEvents } from '../events/hub-events.js';
import type { Part, PartHealth } from '../lifecycle/part.js';
import type { DeviceView } from '../model/device-view.js';
import { describeError } from '../errors.js';
import { RuleActions, type ActionFailure, type PendingRevert } from './rule-actions.js';
import { RuleBook, type StoredRules } from './rule-book.js';
import { checkRule, type RuleLookup } from './rule-check.js';
import { compare, inWindow, msUntil, TriggerArm } from './rule-evaluation.js';
import { ruleStatus, type RuleRuntime, type RuleStatus } from './rule-status.js';

const OWNER = 'rules';
const RULES_SETTING = 'rules';
const REVERTS_SETTING = 'rules.reverts';

export interface RuleEngineOptions {
  devices: DeviceService;
  events: HubEvents;
  rules: readonly RuleDefinition[];
  settings: { maxFiringsPerS: number; timeZone?: string | undefined };
  log: Logger;
  metrics?: Registry;
  now?: () => number;
}

export class RuleEngine implements Part {
  readonly name = 'rules';
  private book: RuleBook | undefined;
  private actions: RuleActions | undefined;
  private readonly runtimes = new Map<string, RuleRuntime>();
  /** Rules by the device id their trigger hears. */
  private readonly byDevice = new Map<string, RuleRuntime[]>();
  private readonly views = new Map<string, DeviceView>();
  private readonly firings: Counter<'rule'> | undefined;
  private readonly failures: Counter<'rule' | 'code'> | undefined;
  private readonly now: () => number;
  private readonly lookup: RuleLookup;

  constructor(private readonly options: RuleEngineOptions) {
    this.now = options.now ?? Date.now;
    const { devices } = options;
    this.lookup = {
      resolve: (ref) => devices.resolve(ref),
      hasRoom: (ref) => devices.rooms.list().some((room) => room.id === ref || room.name === ref),
    };
    if (options.metrics !== undefined) {
      this.firings = new Counter({
        name: 'hearth_rule_firings_total',
        help: 'Firings of each local rule.',
        labelNames: ['rule'],
        registers: [options.metrics],
      });
      this.failures = new Counter({
        name: 'hearth_rule_failures_total',
        help: "Failed actions of each local rule, by the failure's code.",
        labelNames: ['rule', 'code'],
        registers: [options.metrics],
      });
    }
  }

  async start(): Promise<void> {
    const { devices, events, log } = this.options;
    const book = new RuleBook(
      this.options.rules,
      {
        load: () => ({ defined: [], enabled: {}, ...((devices.setting(RULES_SETTING) as Partial<StoredRules> | undefined) ?? {}) }),
        save: (rules) => devices.setSetting(RULES_SETTING, rules),
      },
      this.lookup,
    );
    for (const problem of book.unreadable) log.warn(`a stored rule was not loaded: ${problem}`);
    this.book = book;
    this.actions = new RuleActions(
      {
        command: (id, payload) => devices.command(id, payload),
        publish: (topic, payload, retain) => events.emit('rules.publish', { topic, payload, retain }),
        saveReverts: (reverts) => devices.setSetting(REVERTS_SETTING, reverts),
        now: this.now,
        log,
      },
      (failure) => this.failed(failure),
    );
    events.on(OWNER, 'device.state', ({ view, changed }) => this.onState(view, changed));
    events.on(OWNER, 'device.event', ({ view, values }) => this.onEvent(view, values));
    events.on(OWNER, 'devices.changed', () => this.recheck());
    for (const entry of book.list()) await this.load(entry.rule.id);
    this.actions.restore((devices.setting(REVERTS_SETTING) as PendingRevert[] | undefined) ?? []);
    this.changed();
  }

  stop(): Promise<void> {
    this.options.events.removeOwner(OWNER);
    this.actions?.stop();
    for (const runtime of this.runtimes.values()) clearTimeout(runtime.timer);
    return Promise.resolve();
  }

  health(): PartHealth {
    const statuses = this.statuses();
    const invalid = statuses.filter((status) => status.state === 'invalid' || status.state === 'suspended');
    return {
      status: invalid.length === 0 ? 'ok' : 'degraded',
      ...(invalid.length === 0
        ? {}
        : { detail: `rules not running: ${invalid.map((status) => `${status.id} (${status.state})`).join(', ')}` }),
      rules: statuses.length,
    };
  }

  /** The rules as `bridge/rules` shows them. */
  statuses(): RuleStatus[] {
    return [...this.runtimes.values()].map((runtime) => ruleStatus(runtime));
  }

  get rules(): RuleBook {
    if (this.book === undefined) throw new Error('the rules part has not started');
    return this.book;
  }

  /** After a change through the book (rule/add, …): (re)loads the rule and says so on bridge/rules. */
  async reload(id: string): Promise<void> {
    this.unload(id);
    if (this.book?.list().some((entry) => entry.rule.id === id) === true) await this.load(id);
    this.changed();
  }

  /** rule/enable also ends a suspension. */
  async setEnabled(id: string, enabled: boolean): Promise<void> {
    this.rules.setEnabled(id, enabled);
    await this.reload(id);
  }

  private async load(id: string): Promise<void> {
    const entry = this.rules.get(id);
    const checked = checkRule(entry.rule, entry.path, this.lookup);
    const runtime: RuleRuntime = { entry, enabled: this.rules.enabled(id), checked, suspended: false, recent: [], firings: 0 };
    this.runtimes.set(id, runtime);
    if (checked.problems.length > 0) {
      this.options.log.warn({ rule: id, problems: checked.problems }, `rule ${id} is not running: ${checked.problems.join('; ')}`);
      return;
    }
    if (!runtime.enabled) return;
    const { trigger } = entry.rule;
    if (trigger.device !== undefined) {
      const deviceId = checked.devices.get(trigger.device);
      if (deviceId === undefined) return;
      if (trigger.attribute !== undefined && trigger.value !== undefined) {
        const last = (await this.options.devices.state.get(deviceId).catch(() => undefined))?.values[trigger.attribute];
        runtime.arm = new TriggerArm(trigger.op ?? '==', trigger.value, trigger.hysteresis ?? 0, last);
      }
      this.byDevice.set(deviceId, [...(this.byDevice.get(deviceId) ?? []), runtime]);
    } else this.scheduleTime(runtime);
  }

  private unload(id: string): void {
    const runtime = this.runtimes.get(id);
    if (runtime === undefined) return;
    clearTimeout(runtime.timer);
    for (const [device, list] of this.byDevice) {
      const kept = list.filter((candidate) => candidate !== runtime);
      if (kept.length === 0) this.byDevice.delete(device);
      else this.byDevice.set(device, kept);
    }
    this.runtimes.delete(id);
    if (!this.rules.list().some((entry) => entry.rule.id === id) || !this.rules.enabled(id)) this.actions?.forget(id);
  }

  /** Rules that named a device not there yet may run now (it joined, or was renamed to that name). */
  private recheck(): void {
    for (const runtime of [...this.runtimes.values()]) {
      if (runtime.checked.problems.length === 0) continue;
      const checked = checkRule(runtime.entry.rule, runtime.entry.path, this.lookup);
      if (checked.problems.length === 0) void this.reload(runtime.entry.rule.id);
    }
  }

  private scheduleTime(runtime: RuleRuntime): void {
    const { at, every_s: everyS } = runtime.entry.rule.trigger;
    const delay = at !== undefined ? msUntil(at, this.now(), this.options.settings.timeZone) : (everyS ?? 60) * 1000;
    runtime.timer = setTimeout(() => {
      this.scheduleTime(runtime);
      this.fire(runtime, at !== undefined ? `at ${at}` : `every ${everyS} s`);
    }, delay);
    runtime.timer.unref();
  }

  private onState(view: DeviceView, changed: readonly string[]): void {
    this.views.set(view.id, view);
    const list = this.byDevice.get(view.id);
    if (list === undefined) return;
    for (const runtime of list) {
      const { trigger } = runtime.entry.rule;
      if (trigger.availability !== undefined) {
        if (changed.includes('availability') && view.availability === trigger.availability)
          this.fire(runtime, `${view.friendlyName} ${trigger.availability}`);
      } else if (
        trigger.attribute !== undefined &&
        changed.includes(trigger.attribute) &&
        runtime.arm?.next(view.state[trigger.attribute]) === true
      )
        this.fire(runtime, `${view.friendlyName} ${trigger.attribute} ${trigger.op ?? '=='} ${JSON.stringify(trigger.value)}`);
    }
  }

  /** Events (`action` and the like) are momentary: every match fires. */
  private onEvent(view: DeviceView, values: Record<string, unknown>): void {
    for (const runtime of this.byDevice.get(view.id) ?? []) {
      const { trigger } = runtime.entry.rule;
      if (trigger.attribute === undefined || trigger.value === undefined || !Object.hasOwn(values, trigger.attribute)) continue;
      if (compare(trigger.op ?? '==', values[trigger.attribute], trigger.value))
        this.fire(runtime, `${view.friendlyName} ${trigger.attribute} ${JSON.stringify(values[trigger.attribute])}`);
    }
  }

  private fire(runtime: RuleRuntime, cause: string): void {
    if (!runtime.enabled || runtime.suspended) return;
    const rule = runtime.entry.rule.id;
    const now = this.now();
    runtime.recent = runtime.recent.filter((at) => now - at < 1000);
    runtime.recent.push(now);
    if (runtime.recent.length > this.options.settings.maxFiringsPerS) {
      runtime.suspended = true;
      this.options.log.warn(
        { rule },
        `rule ${rule} fired ${runtime.recent.length} times in a second and is suspended (a loop?): rule/enable starts it again`,
      );
      this.options.events.emit('bridge.event', { type: 'rule_suspended', data: { rule, firings_per_s: runtime.recent.length } });
      this.changed();
      return;
    }
    void this.run(runtime, cause).catch((error: unknown) =>
      this.failed({ rule, action: -1, code: 'RULE_ACTION_FAILED', message: describeError(error) }),
    );
  }

  private async run(runtime: RuleRuntime, cause: string): Promise<void> {
    const { rule, checked } = { rule: runtime.entry.rule, checked: runtime.checked };
    if (!(await this.conditionsHold(rule, checked.devices))) return;
    runtime.firings += 1;
    runtime.lastFiredAt = this.now();
    this.firings?.inc({ rule: rule.id });
    this.options.events.emit('bridge.event', { type: 'rule_fired', data: { rule: rule.id, cause } });
    this.changed();
    await this.actions?.run(rule.id, rule.actions, checked.devices);
  }

  private async conditionsHold(rule: RuleDefinition, deviceIds: ReadonlyMap<string, string>): Promise<boolean> {
    for (const condition of rule.conditions) {
      if (condition.after !== undefined && condition.before !== undefined) {
        if (!inWindow(condition.after, condition.before, this.now(), this.options.settings.timeZone)) return false;
      } else if (condition.room !== undefined) {
        const room = this.options.devices.rooms
          .list()
          .find((candidate) => candidate.id === condition.room || candidate.name === condition.room);
        if (room === undefined) return false;
        const state = await this.options.devices.roomState(room.id);
        if (state.any_light_on !== condition.any_on) return false;
      } else if (condition.device !== undefined && condition.attribute !== undefined && condition.value !== undefined) {
        const id = deviceIds.get(condition.device);
        if (id === undefined) return false;
        const view = this.views.get(id) ?? (await this.options.devices.get(id));
        if (!compare(condition.op ?? '==', view.state[condition.attribute], condition.value)) return false;
      }
    }
    return true;
  }

  private failed(failure: ActionFailure): void {
    const runtime = this.runtimes.get(failure.rule);
    if (runtime !== undefined) runtime.lastError = { code: failure.code, message: failure.message, at: this.now() };
    this.failures?.inc({ rule: failure.rule, code: failure.code });
    this.options.log.warn(
      { rule: failure.rule, code: failure.code },
      `rule ${failure.rule}: action ${failure.action} failed: ${failure.message}`,
    );
    this.options.events.emit('bridge.event', {
      type: 'rule_failed',
      data: { rule: failure.rule, action: failure.action, code: failure.code, message: failure.message.slice(0, 500) },
    });
    this.changed();
  }

  private changed(): void {
    this.options.events.emit('rules.changed', { rules: this.statuses() });
  }
}
