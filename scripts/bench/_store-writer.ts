/**
 * Part of `npm run bench -- store`: one life of a hub's store. At start it prints every device's
 * recovered counter ("state device value"), then "ready"; then 100 devices report ever-growing
 * counters through the devices part with the default store settings, as fast as it takes them;
 * each report whose write was acknowledged is printed as "device value". The parent ends the
 * life with SIGKILL, or with SIGTERM for a clean stop (which folds the journal into the snapshot).
 */
import { pino } from 'pino';
import { ActorSystem } from '../../src/actors/actor-system.js';
import { configSchema } from '../../src/config/schema.js';
import { DeviceService } from '../../src/devices/device-service.js';
import { actorsConfig } from '../../test/support/config-defaults.js';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: _store-writer STATE_DIR');
const log = pino({ level: 'silent' });
const system = new ActorSystem({ log, config: actorsConfig({ idleTimeoutMs: 0 }) });
const devices = new DeviceService({ stateDir: dir, store: configSchema.parse({}).store, system, log });
await devices.start();
const ids = Array.from({ length: 100 }, (_, i) => `zigbee:0x${i.toString(16).padStart(16, '0')}`);
for (const [i, id] of ids.entries())
  if (devices.device(id) === undefined) devices.addDevice({ id, friendlyName: `sensor ${i}`, radio: 'zigbee' });
for (const id of ids) {
  const counter = (await devices.state.get(id))?.values.counter;
  process.stdout.write(`state ${id} ${typeof counter === 'number' ? counter : 0}\n`);
}
let stopping = false;
process.once('SIGTERM', () => {
  stopping = true;
});
const base = Date.now() * 1000; // values keep growing across restarts
process.stdout.write('ready\n');
for (let round = 1; !stopping; round++) {
  await Promise.all(
    ids.map(async (id) => {
      const value = base + round;
      const reply = await devices.report(id, { counter: value });
      await reply.persisted;
      process.stdout.write(`${id} ${value}\n`);
    }),
  );
}
await system.shutdown();
await devices.stop();
process.exit(0);
