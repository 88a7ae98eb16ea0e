/**
 * An input's level at start is reported even when the radio is still opening its other pins once
 * the input has settled (on a busy board a sysfs export takes longer than the settle time): a
 * door's first contact state once went missing that way. On a fake clock, with the in-process pins.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { gpioRadioFromConfig } from '../../../src/radios/gpio/gpio-from-config.js';
import type { InputOptions, InputPin } from '../../../src/radios/gpio/pin-backend.js';
import { InProcessPins } from '../../../src/radios/gpio/simulator/in-process-pins.js';
import type { RadioListener } from '../../../src/radios/radio.js';
import { configSchema } from '../../../src/config/schema.js';

/** In-process pins whose input on `slowLine` opens only when `release` is called. */
class SlowPins extends InProcessPins {
  release: () => void = () => undefined;
  constructor(private readonly slowLine: number) {
    super();
  }
  override async input(line: number, options: InputOptions): Promise<InputPin> {
    if (line === this.slowLine) await new Promise<void>((resolve) => (this.release = resolve));
    return super.input(line, options);
  }
}

function recordingListener(reports: { id: string; values: Record<string, unknown> }[]): RadioListener {
  return {
    deviceAnnounced: () => undefined,
    deviceLeft: () => undefined,
    report: (id, values) => reports.push({ id, values }),
    availability: () => undefined,
    deviceJoined: () => undefined,
    event: () => undefined,
    failed: () => undefined,
  };
}

describe('a GPIO input at start', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reports its level once settled, while the radio still opens a slower pin, and nothing after a stop', async () => {
    vi.useFakeTimers();
    const config = configSchema.parse({
      radios: {
        gpio: {
          enabled: true,
          debounceMs: 50,
          devices: [
            { type: 'contact', pin: 22, name: 'door' },
            { type: 'motion', pin: 23, name: 'hall' },
          ],
        },
      },
    });
    const log = pino({ level: 'silent' });
    const pins = new SlowPins(23);
    // the radio as the hub builds it, on the pins a test hands in (a Pi 4's)
    const radio = gpioRadioFromConfig(config, log, undefined, { pins, board: 'pi-4b' });
    const reports: { id: string; values: Record<string, unknown> }[] = [];
    const started = radio.start(recordingListener(reports), new AbortController().signal);

    // the door is open and settles; the motion pin is still being opened
    await vi.advanceTimersByTimeAsync(500);
    expect(radio.health().status).not.toBe('ok');
    expect(reports).toEqual([{ id: 'gpio:0:22', values: { contact: false } }]);

    pins.release();
    await started;
    await vi.advanceTimersByTimeAsync(500);
    expect(reports).toEqual([
      { id: 'gpio:0:22', values: { contact: false } },
      { id: 'gpio:0:23', values: { occupancy: false } },
    ]);

    // a radio stopped before its inputs settled reports nothing more
    const again = gpioRadioFromConfig(config, log, undefined, { pins: new InProcessPins(), board: 'pi-4b' });
    const late: typeof reports = [];
    await again.start(recordingListener(late), new AbortController().signal);
    await again.stop();
    await vi.advanceTimersByTimeAsync(500);
    expect(late).toEqual([]);
  });
});
