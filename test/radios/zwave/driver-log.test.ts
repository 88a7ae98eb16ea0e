/**
 * zwave-js's log across driver restarts: a radio whose driver is restarted again and again (a
 * stick that keeps dropping out restarts forever) gives each Driver incarnation a pino
 * transport of its own and closes it with that driver, so restarts leak no listeners and raise
 * no MaxListenersExceededWarning. The real zwave-js Driver on its mock controller, the radio
 * built by the hub's factory from config.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import type Transport from 'winston-transport';
import { configSchema } from '../../../src/config/schema.js';
import type { RadioListener } from '../../../src/radios/radio.js';
import { SimulatedZWaveNetwork } from '../../../src/radios/zwave/simulator/simulated-network.js';
import { zwaveRadioFromConfig } from '../../../src/radios/zwave/zwave-from-config.js';
import { tempDir } from '../../support/temp-dir.js';

// zwave-js is left on vitest's NODE_ENV=test here (support.ts sets production for the hub
// tests): its shorter start-up waits make a start ~0.5 s instead of ~1.7 s, and the loggers it
// pipes into its transports are the same either way
const RESTARTS = 15;
const STREAM_EVENTS = ['error', 'warn', 'unpipe', 'drain', 'close', 'finish'];

const ignore: RadioListener = {
  deviceAnnounced() {},
  deviceJoined() {},
  deviceLeft() {},
  report() {},
  availability() {},
  event() {},
  failed() {},
};

describe('zwave-js log transport', () => {
  it(`gives each of ${RESTARTS} driver incarnations its own transport, closed with it: no listener leak, no MaxListenersExceededWarning`, async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on('warning', onWarning);
    onTestFinished(() => void process.off('warning', onWarning));

    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
        callback();
      },
    });
    const driverLog = pino({ level: 'info', base: undefined }, destination);
    const config = configSchema.parse({ stateDir: await tempDir() });
    const network = new SimulatedZWaveNetwork(['switch']);
    onTestFinished(() => network.close());
    // the radio as the hub's factory builds it, its driver log going to `driverLog`
    const silent = pino({ level: 'silent' });
    const logging = {
      forModule: (module: string) => (module === 'radios.zwave.driver' ? driverLog : silent),
      learnSecrets: () => undefined,
    };
    const radio = await zwaveRadioFromConfig(config, logging, { network });

    const listenerCounts: number[] = [];
    const transports: Transport[] = [];
    for (let i = 0; i < RESTARTS; i++) {
      const before = lines.length;
      await radio.start(ignore, new AbortController().signal);
      const transport = radio.zwave.getLogConfig().transports?.at(-1);
      if (transport === undefined) throw new Error('the driver has no log transport');
      transports.push(transport);
      listenerCounts.push(STREAM_EVENTS.reduce((sum, event) => sum + transport.listenerCount(event), 0));
      // this incarnation's log reaches pino, with zwave-js's channel
      expect(lines.slice(before).some((line) => typeof line.channel === 'string')).toBe(true);
      await radio.stop();
    }
    await new Promise((resolve) => setImmediate(resolve)); // process 'warning' is emitted on a later tick

    expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning').map((warning) => warning.message)).toEqual([]);
    expect(listenerCounts).toEqual(Array.from({ length: RESTARTS }, () => listenerCounts[0]));
    expect(new Set(transports).size).toBe(RESTARTS);
    expect(transports.map((transport) => (transport as { isOpen?: boolean }).isOpen)).toEqual(
      Array.from({ length: RESTARTS }, () => false),
    );
  }, 60_000);
});
