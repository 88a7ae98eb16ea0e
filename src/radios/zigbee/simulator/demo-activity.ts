/**
 * Life for the demo's simulated Zigbee network: every few seconds the climate sensor's
 * temperature and humidity drift, the plug reports its power draw while it is on, and now and
 * then the door opens or closes and the remote's button is pressed. Each is a real ZCL report
 * or command frame through herdsman and the converters, as from a real device.
 */
import type { SimulatedZigbeeNetwork } from './simulated-network.js';

export class ZigbeeDemoActivity {
  private timer: NodeJS.Timeout | undefined;
  private tick = 0;

  constructor(
    private readonly network: SimulatedZigbeeNetwork,
    private readonly everyMs = 5000,
    private readonly random: () => number = Math.random,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.step(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private drift(value: number, by: number, min: number, max: number): number {
    return Math.round(Math.min(max, Math.max(min, value + (this.random() * 2 - 1) * by)));
  }

  private step(): void {
    this.tick++;
    for (const device of this.network.all) {
      if (device.fault !== undefined) continue;
      if (device.kind === 'climate') {
        device.report('msTemperatureMeasurement', {
          measuredValue: this.drift(Number(device.attribute('msTemperatureMeasurement', 'measuredValue')), 30, 1500, 2800),
        });
        device.report('msRelativeHumidity', {
          measuredValue: this.drift(Number(device.attribute('msRelativeHumidity', 'measuredValue')), 100, 3000, 7000),
        });
      } else if (device.kind === 'plug') {
        const on = device.attribute('genOnOff', 'onOff') === 1;
        device.report('haElectricalMeasurement', { activePower: on ? this.drift(60, 5, 40, 80) : 0 });
      } else if (device.kind === 'door' && this.tick % 6 === 0) {
        device.report('genOnOff', { onOff: this.random() < 0.5 ? 1 : 0 });
      } else if (device.kind === 'remote' && this.tick % 12 === 0) {
        device.command('genOnOff', 'toggle');
      }
    }
  }
}
