/**
 * Life for the demo's simulated Z-Wave network: every few seconds the multisensor's
 * temperature and humidity drift, the plug draws power while it is on, and the door sensor
 * now and then opens or closes and wakes up (so commands queued for it get through). Every
 * reading goes through the real driver like one from a real node.
 */
import type { Logger } from 'pino';
import { describeError } from '../../../errors.js';
import type { SimulatedZWaveNetwork } from './simulated-network.js';

export class DemoActivity {
  private timer: NodeJS.Timeout | undefined;
  private tick = 0;

  constructor(
    private readonly network: SimulatedZWaveNetwork,
    private readonly log: Logger,
    private readonly everyMs = 5000,
    private readonly random: () => number = Math.random,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.step().catch((error: unknown) => this.log.debug({ err: error }, `simulated Z-Wave activity: ${describeError(error)}`));
    }, this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private drift(value: number, by: number, min: number, max: number): number {
    return Math.round(Math.min(max, Math.max(min, value + (this.random() * 2 - 1) * by)) * 10) / 10;
  }

  private async step(): Promise<void> {
    this.tick++;
    // a stick pulled out hears nothing from its nodes
    if (!this.network.pluggedIn) return;
    for (const device of this.network.all) {
      if (device.kind === 'multisensor') {
        await device.reportSensor('temperature', this.drift(device.readings.get('temperature') ?? 21, 0.3, 15, 28));
        await device.reportSensor('humidity', this.drift(device.readings.get('humidity') ?? 45, 1, 30, 70));
      } else if (device.kind === 'plug') {
        const on = device.level === true;
        await device.reportMeter('power', on ? this.drift(60, 5, 40, 80) : 0);
      } else if (device.kind === 'door' && this.tick % 6 === 0) {
        await device.setDoor(this.random() < 0.5);
        await device.wakeUp();
      }
    }
  }
}
