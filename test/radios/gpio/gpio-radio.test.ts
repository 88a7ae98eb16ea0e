/**
 * The GPIO radio end to end: a real `hearth start` with the real onoff inside a mount namespace
 * over a simulated sysfs tree (the kernel played by the harness), device actors, the outbox and
 * a real Mosquitto. Config names pins by BCM number or header position on every board; the
 * kernel's numbering (Pi 5's header chip at 571, Pi 4's at 512) is hearth's business.
 */
import { describe, expect, it } from 'vitest';
import type { Received } from '../../support/mqtt-watch.js';
import { until } from '../../support/until.js';
import { GpioHub } from './support.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const TIMINGS = { debounceMs: 50, doubleClickMs: 250, longPressMs: 600, occupancyHoldS: 1 };
/** The test sees an edge a little after the hub does (the harness's reply): lower bounds allow this much. */
const SLACK_MS = 100;

/** The values of one property published on a device's topic, in order. */
const valuesOn = (received: readonly Received[], topic: string, property: string): unknown[] =>
  received
    .filter((message) => message.topic === topic)
    .flatMap((message) => {
      const value = (JSON.parse(message.payload) as Record<string, unknown>)[property];
      return value === undefined ? [] : [value];
    });
const actionsOn = (received: readonly Received[], topic: string): unknown[] => valuesOn(received, topic, 'action');

describe('GPIO radio on onoff over a simulated sysfs tree', () => {
  it('on a Pi 5 (header chip at sysfs base 571): relays over MQTT, single/double/long presses, debounce, contact and motion', async () => {
    const hub = await GpioHub.start({
      board: 'pi-5',
      layout: '6.6',
      levels: { 27: 1 }, // the button's pull-up: released reads high on the wire
      gpio: {
        ...TIMINGS,
        devices: [
          { type: 'relay', pin: 17, activeLow: true, name: 'relay' },
          { type: 'button', headerPin: 13, activeLow: true, name: 'button' }, // header pin 13 is GPIO27
          { type: 'contact', pin: 22, name: 'door' },
          { type: 'motion', pin: 23, name: 'hall' },
        ],
      },
    });
    await hub.ready();
    const { watch } = hub;

    // the relay: exported as 571 + 17, active-low, off (the wire high) until told otherwise
    expect(await hub.view(17)).toMatchObject({ sysfs: 588, exported: true, direction: 'out', activeLow: true, value: 0, level: 1 });
    await watch.waitFor('hearth/gp/relay', (p) => p.includes('"state":"OFF"'));
    await watch.client.publishAsync('hearth/gp/relay/set', '{"state":"ON"}', { qos: 1 });
    await watch.waitFor('hearth/gp/relay', (p) => p.includes('"state":"ON"'));
    expect(await hub.view(17)).toMatchObject({ value: 1, level: 0 }); // on: the value file says 1, the wire is pulled low
    await watch.client.publishAsync('hearth/gp/relay/set/state', 'TOGGLE', { qos: 1 });
    await until(() => valuesOn(watch.received, 'hearth/gp/relay', 'state').at(-1) === 'OFF', 5000, 'the relay toggled off');
    expect(await hub.view(17)).toMatchObject({ value: 0, level: 1 });

    // the button: onoff watches it for both edges
    expect(await hub.view(27)).toMatchObject({ sysfs: 598, direction: 'in', activeLow: true, edge: 'both', value: 0 });
    const button = 'hearth/gp/button';
    const waitActions = (count: number) =>
      until(
        () => actionsOn(watch.received, button).length >= count,
        5000,
        `${count} button actions (got ${actionsOn(watch.received, button).join()})`,
      );

    // single: a 150 ms press; reported once the double-click window after the release has passed
    await hub.pulses(27, [0, 1], 150);
    const released = Date.now();
    await waitActions(1);
    expect(Date.now() - released).toBeGreaterThanOrEqual(TIMINGS.doubleClickMs - SLACK_MS);
    expect(actionsOn(watch.received, button)).toEqual(['single']);

    // double: two presses, the second within the window
    await hub.pulses(27, [0, 1, 0, 1], 100);
    await waitActions(2);
    // long: held past longPressMs; reported while held, nothing on release
    await hub.level(27, 0);
    const pressed = Date.now();
    await waitActions(3);
    expect(Date.now() - pressed).toBeGreaterThanOrEqual(TIMINGS.longPressMs - SLACK_MS);
    await hub.level(27, 1);
    await sleep(100);
    // a press held 400 ms (shorter than longPressMs) is a single
    await hub.pulses(27, [0, 1], 400);
    await waitActions(4);
    // a press whose contact bounces (edges 2 ms apart, well inside the 50 ms debounce) is one press
    await hub.pulses(27, [0, 1, 0, 1, 0, 1, 0], 2);
    await sleep(100);
    await hub.level(27, 1);
    await waitActions(5);
    await sleep(TIMINGS.doubleClickMs + 100); // nothing more comes
    expect(actionsOn(watch.received, button)).toEqual(['single', 'double', 'long', 'single', 'single']);

    // a contact that bounces on closing reports closed once
    await watch.waitFor('hearth/gp/door', (p) => p.includes('"contact":false'));
    await hub.pulses(22, [1, 0, 1, 0, 1, 0, 1], 2);
    await watch.waitFor('hearth/gp/door', (p) => p.includes('"contact":true'));
    await sleep(100);
    expect(valuesOn(watch.received, 'hearth/gp/door', 'contact')).toEqual([false, true]);

    // motion: occupied on the sensor's output, clear occupancyHoldS after it went quiet
    await hub.level(23, 1);
    await watch.waitFor('hearth/gp/hall', (p) => p.includes('"occupancy":true'));
    await hub.level(23, 0);
    const quiet = Date.now();
    await until(() => valuesOn(watch.received, 'hearth/gp/hall', 'occupancy').join() === 'false,true,false', 5000, 'occupancy cleared');
    expect(Date.now() - quiet).toBeGreaterThanOrEqual(TIMINGS.occupancyHoldS * 1000 - SLACK_MS);
  });
});
