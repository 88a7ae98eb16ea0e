/**
 * Part of `npm run bench -- store`, in a fresh process: opens the devices part on a prepared
 * state directory (registry index, rooms, state journal; one dormant actor per device) and
 * prints how long that took as one JSON line.
 */
import { pino } from 'pino';
import { ActorSystem } from '../../src/actors/actor-system.js';
import { configSchema } from '../../src/config/schema.js';
import { DeviceService } from '../../src/devices/device-service.js';
import { actorsConfig } from '../../test/support/config-defaults.js';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: _store-startup STATE_DIR');
const began = performance.now();
const log = pino({ level: 'silent' });
const system = new ActorSystem({ log, config: actorsConfig({ idleTimeoutMs: 0 }) });
const devices = new DeviceService({ stateDir: dir, store: configSchema.parse({}).store, system, log });
await devices.start();
const ready_ms = performance.now() - began;
console.log(JSON.stringify({ ready_ms, devices: devices.size, actors: system.size, rss_mb: process.memoryUsage.rss() / 1048576 }));
await devices.stop();
