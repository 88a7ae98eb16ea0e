/**
 * The GPIO radio on the demo's fallback, the in-process simulated pins (no root, no namespace),
 * in a hub with a real Mosquitto; and what the circuit breakers ask of the radio: which errors
 * are the radio's, a probe, a ping.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCode, HearthError } from '../../../src/errors.js';
import type { GpioRadio } from '../../../src/radios/gpio/gpio-radio.js';
import { InProcessPins } from '../../../src/radios/gpio/simulator/in-process-pins.js';
import { startBridgedHub } from '../../support/bridged-hub.js';
import { Mosquitto } from '../../support/mosquitto.js';
import { MqttWatch } from '../../support/mqtt-watch.js';
import { tempDir } from '../../support/temp-dir.js';
import { until } from '../../support/until.js';

const gpio = {
  enabled: true,
  simulate: true,
  debounceMs: 5,
  doubleClickMs: 100,
  devices: [
    { type: 'relay', pin: 17, name: 'relay', activeLow: true },
    { type: 'button', pin: 27, name: 'button' },
  ],
};

describe('GPIO radio on in-process simulated pins', () => {
  it('switches a relay from MQTT, reports a press, and answers the breakers truthfully', async () => {
    const broker = await Mosquitto.start();
    const watch = await MqttWatch.connect(broker.url, 'hearth/ip/#');
    const pins = new InProcessPins();
    const hub = await startBridgedHub(
      {
        hubId: 'ip',
        stateDir: await tempDir(),
        uplink: { port: broker.port, healthIntervalS: 0 },
        store: { journalBatchMs: 5 },
        radios: { gpio },
      },
      { simulated: { gpio: { pins, board: 'pi-4b' } } },
    );
    const radio = hub.radios.find((part) => part.radio.kind === 'gpio')?.radio as GpioRadio;
    try {
      await watch.waitFor('hearth/ip/relay', (p) => p.includes('"state":"OFF"'));
      expect(pins.level(17)).toBe(0); // logical: the backend below applies active-low
      await watch.client.publishAsync('hearth/ip/relay/set', '{"state":"ON"}', { qos: 1 });
      await watch.waitFor('hearth/ip/relay', (p) => p.includes('"state":"ON"'));
      expect(pins.level(17)).toBe(1);

      // a press held past the debounce (a shorter one is a bounce and counts for nothing)
      pins.setLevel(27, 1);
      await new Promise((resolve) => setTimeout(resolve, 40));
      pins.setLevel(27, 0);
      await watch.waitFor('hearth/ip/button', (p) => p.includes('"action":"single"'));

      // a command to an input is refused, and nobody's fault
      const refused = await radio.send('gpio:0:27', { state: 'ON' }).catch((error: unknown) => error);
      expect(refused).toMatchObject({ code: ErrorCode.CommandInvalid });
      expect(radio.faultScope(refused)).toBe('none');
      // I/O failures and a vanished tree are the radio's
      expect(radio.faultScope(new HearthError(ErrorCode.GpioIoFailed, 'EIO'))).toBe('radio');
      expect(radio.faultScope(Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' }))).toBe('radio');
      await expect(radio.probe()).resolves.toBeUndefined();
      await expect(radio.ping('gpio:0:17')).resolves.toBeUndefined();
      await expect(radio.ping('gpio:0:5')).rejects.toMatchObject({ code: ErrorCode.DeviceNotFound });
      await until(() => hub.radios[0]?.state === 'running', 1000, 'the radio runs');

      // injected faults, for the breakers: a dead line, failing pins, hanging pins
      pins.setDead(17);
      const dead = await radio.ping('gpio:0:17').catch((error: unknown) => error);
      expect(dead).toMatchObject({ code: ErrorCode.GpioIoFailed });
      pins.setDead(17, false);
      pins.inject('fail');
      const failed = await radio.send('gpio:0:17', { state: 'OFF' }).catch((error: unknown) => error);
      expect(failed).toMatchObject({ code: ErrorCode.GpioIoFailed, message: expect.stringContaining('EIO') });
      expect(radio.faultScope(failed)).toBe('radio');
      await expect(radio.probe()).rejects.toMatchObject({ code: ErrorCode.GpioIoFailed });
      pins.inject('hang');
      const outcome = await Promise.race([
        radio.probe().then(() => 'answered'),
        new Promise((resolve) => setTimeout(() => resolve('silent'), 100)),
      ]);
      expect(outcome).toBe('silent');
      pins.inject('none');
    } finally {
      await hub.stop();
      await broker.stop();
    }
    await expect(radio.probe()).rejects.toMatchObject({ code: ErrorCode.RadioUnavailable });
  });
});
