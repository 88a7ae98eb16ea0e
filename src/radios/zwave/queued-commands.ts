/**
 * Commands for sleeping Z-Wave nodes, kept by the hub rather than in zwave-js's queue (which
 * lives in memory and is rejected with ZW0102 when the driver is destroyed, at every stop): a
 * command to a node that sleeps is written to the store (src/store/pending-commands.ts) before
 * it is answered `{"queued":true}`, and carried out when the node wakes up, in this process
 * lifetime or a later one. It leaves the store once the node took it, or when it failed (the
 * node refused it, or it waited longer than `uplink.commandMaxAgeS`: COMMAND_EXPIRED), then
 * with a `command_failed` event; so do all of a node's when it leaves the network (excluded,
 * removed as failed, `device/remove`, or gone from the controller while the hub was off:
 * DEVICE_NOT_FOUND), so none waits for ever for a node that is not there. A command cut short by the stop (the driver destroyed while it
 * was under way) stays, and goes again at the next wake-up: at least once, never lost.
 */
import type { Logger } from 'pino';
import { isZWaveError } from '@zwave-js/core';
import { ZWaveErrorCodes } from 'zwave-js';
import { describeError, ErrorCode, HearthError, isHearthError } from '../../errors.js';
import type { PendingCommand, PendingCommands } from '../../store/pending-commands.js';

export interface QueuedCommandsOptions {
  store: PendingCommands;
  /** Older than this when the node wakes up: not carried out (0: no limit). */
  maxAgeMs: number;
  log: Logger;
  now?: () => number;
}

/** How a node's queue is worked off: its radio's ways to carry a command out and to say one failed. */
export interface Delivery {
  /** Carries the command out now (the node is awake); rejects when the node did not take it. */
  send: (payload: Record<string, unknown>) => Promise<void>;
  /** A command that will not be carried out: the `command_failed` event. */
  failed: (error: HearthError) => void;
  /** Whether the radio is stopping (a failure then means the stop cut the command short). */
  stopping: () => boolean;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

export class QueuedCommands {
  /** Nodes whose queue is being worked off now. */
  private readonly delivering = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly options: QueuedCommandsOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Reads what earlier lifetimes left (call before the radio announces its nodes). */
  load(): Promise<void> {
    return this.options.store.load();
  }

  /** How many commands wait (all nodes). */
  get size(): number {
    return this.options.store.size;
  }

  /** Keeps a command for a sleeping node; resolves once it is on disk. */
  async hold(device: string, payload: Record<string, unknown>): Promise<void> {
    await this.options.store.add(device, payload, this.now());
  }

  /**
   * `device` left the network: its commands are dropped, each a `failed` (DEVICE_NOT_FOUND,
   * saying `why`), at once; resolves once the store is written.
   */
  drop(device: string, why: string, failed: (error: HearthError) => void): Promise<void> {
    const { removed, written } = this.options.store.removeDevice(device);
    for (const command of removed) {
      const message = `a queued command for ${device} was dropped: ${why}`;
      this.options.log.warn({ device, seq: command.seq, code: ErrorCode.DeviceNotFound }, message);
      failed(new HearthError(ErrorCode.DeviceNotFound, message));
    }
    return written;
  }

  /** Drops the commands of every device not in `present` (the controller's nodes at start). */
  dropAbsent(present: ReadonlySet<string>, failed: (device: string, error: HearthError) => void): Promise<void> {
    const absent = this.options.store.devices().filter((device) => !present.has(device));
    return Promise.all(
      absent.map((device) =>
        this.drop(device, `${device} is no longer in the Z-Wave network (it left while the hub was not running)`, (error) =>
          failed(device, error),
        ),
      ),
    ).then(() => undefined);
  }

  /**
   * The node is awake: carries out what waits for it, all at once and oldest first (zwave-js
   * sends one node's commands in the order they came), so that none misses the short time the
   * node stays awake by waiting for the one before it.
   */
  async deliver(device: string, delivery: Delivery): Promise<void> {
    if (this.delivering.has(device) || delivery.stopping()) return;
    this.delivering.add(device);
    try {
      await Promise.all(this.options.store.of(device).map((command) => this.deliverOne(command, delivery)));
    } finally {
      this.delivering.delete(device);
    }
  }

  private async deliverOne(command: PendingCommand, delivery: Delivery): Promise<void> {
    const { log, maxAgeMs, store } = this.options;
    const age = this.now() - command.at;
    if (maxAgeMs > 0 && age > maxAgeMs) {
      await store.remove(command.seq);
      const message = `not carried out: queued ${seconds(age)} ago for ${command.device} while it slept, longer than the limit of ${seconds(maxAgeMs)} (uplink.commandMaxAgeS)`;
      log.info({ device: command.device, seq: command.seq }, `a queued command expired: ${message}`);
      delivery.failed(new HearthError(ErrorCode.CommandExpired, message));
      return;
    }
    try {
      await delivery.send(command.payload);
    } catch (error) {
      if (delivery.stopping() || (isZWaveError(error) && error.code === ZWaveErrorCodes.Driver_Destroyed)) {
        // the stop came first: the command stays, for the next wake-up in this life or the next
        log.debug(
          { device: command.device, seq: command.seq },
          `a queued command for ${command.device} stays queued: ${describeError(error)}`,
        );
        return;
      }
      await store.remove(command.seq);
      const failure = isHearthError(error)
        ? error
        : new HearthError(ErrorCode.RadioCommandFailed, `${command.device}: a queued command failed: ${describeError(error)}`, {
            cause: error,
          });
      log.warn(
        { device: command.device, seq: command.seq, code: failure.code },
        `a queued command for ${command.device} failed: ${failure.message}`,
      );
      delivery.failed(failure);
      return;
    }
    await store.remove(command.seq);
    log.info({ device: command.device, seq: command.seq, waitedMs: age }, `a queued command reached ${command.device} when it woke up`);
  }
}
