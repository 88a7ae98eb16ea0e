/**
 * Carrying out a rule's actions, in order: a command to a device through the device's own
 * validated path (the same as `<device>/set`; a radio that is down fails it fast on its
 * breaker), a delay, a timed revert that a new firing pushes back ("on for 5 minutes after the
 * last motion"), and an MQTT message handed to the uplink's outbox. Pending reverts are kept in
 * the store, so a restart in the middle of "on for 5 minutes" still switches the light off.
 */
import type { Logger } from 'pino';
import type { RuleAction } from '../config/rules-schema.js';
import { describeError, ErrorCode, isHearthError } from '../errors.js';

export interface PendingRevert {
  key: string;
  rule: string;
  device: string;
  command: Record<string, unknown>;
  dueAt: number;
}

export interface ActionPorts {
  command(deviceId: string, payload: Record<string, unknown>): Promise<unknown>;
  publish(topic: string, payload: string, retain: boolean): void;
  /** The pending reverts changed: keep them. */
  saveReverts(reverts: PendingRevert[]): void;
  now(): number;
  log: Logger;
}

export interface ActionFailure {
  rule: string;
  action: number;
  code: string;
  message: string;
}

export class RuleActions {
  private readonly reverts = new Map<string, { revert: PendingRevert; timer: NodeJS.Timeout }>();
  private readonly delays = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private stopped = false;

  constructor(
    private readonly ports: ActionPorts,
    private readonly onFailure: (failure: ActionFailure) => void,
  ) {}

  /** Runs `actions` of `rule` in order; `deviceIds` maps each device named to its id. A failed action is reported and the next one runs. */
  async run(rule: string, actions: readonly RuleAction[], deviceIds: ReadonlyMap<string, string>): Promise<void> {
    for (const [index, action] of actions.entries()) {
      if (this.stopped) return;
      if (action.delay_s !== undefined) {
        await this.delay(action.delay_s * 1000);
        continue;
      }
      if (action.publish !== undefined) {
        const { topic, payload, retain } = action.publish;
        this.ports.publish(topic, typeof payload === 'string' ? payload : JSON.stringify(payload), retain);
        continue;
      }
      if (action.device === undefined || action.set === undefined) continue;
      const id = deviceIds.get(action.device);
      if (id === undefined) {
        this.onFailure({ rule, action: index, code: ErrorCode.DeviceNotFound, message: `no device named ${action.device}` });
        continue;
      }
      if (action.revert !== undefined && action.revert_after_s !== undefined)
        this.schedule({
          key: `${rule}#${index}`,
          rule,
          device: id,
          command: action.revert,
          dueAt: this.ports.now() + action.revert_after_s * 1000,
        });
      await this.send(rule, index, id, action.set);
    }
  }

  /** Reverts kept by an earlier life: the overdue ones now, the others at their time. */
  restore(reverts: readonly PendingRevert[]): void {
    for (const revert of reverts) this.schedule(revert);
  }

  /** Reverts of a rule that was removed or disabled are dropped with it (its devices stay as they are). */
  forget(rule: string): void {
    for (const [key, pending] of this.reverts) {
      if (pending.revert.rule !== rule) continue;
      clearTimeout(pending.timer);
      this.reverts.delete(key);
    }
    this.save();
  }

  get pendingReverts(): number {
    return this.reverts.size;
  }

  /** No more actions; pending reverts stay in the store for the next life. */
  stop(): void {
    this.stopped = true;
    for (const { timer } of this.reverts.values()) clearTimeout(timer);
    for (const delay of this.delays) {
      clearTimeout(delay.timer);
      delay.resolve();
    }
    this.delays.clear();
  }

  private schedule(revert: PendingRevert): void {
    const existing = this.reverts.get(revert.key);
    if (existing !== undefined) clearTimeout(existing.timer);
    const timer = setTimeout(
      () => {
        this.reverts.delete(revert.key);
        this.save();
        void this.send(revert.rule, Number(revert.key.split('#')[1] ?? 0), revert.device, revert.command);
      },
      Math.max(0, revert.dueAt - this.ports.now()),
    );
    timer.unref();
    this.reverts.set(revert.key, { revert, timer });
    this.save();
  }

  private save(): void {
    if (this.stopped) return;
    this.ports.saveReverts([...this.reverts.values()].map((pending) => pending.revert));
  }

  private async send(rule: string, action: number, id: string, command: Record<string, unknown>): Promise<void> {
    try {
      await this.ports.command(id, command);
    } catch (error) {
      const code = isHearthError(error) ? error.code : ErrorCode.RuleActionFailed;
      this.onFailure({ rule, action, code, message: describeError(error) });
    }
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = { timer: setTimeout(() => (this.delays.delete(entry), resolve()), ms), resolve };
      entry.timer.unref();
      this.delays.add(entry);
    });
  }
}
