/**
 * `hearth start` with no config file: the demo profile. With nothing listening on its broker
 * port it runs the embedded broker there, and state flows to a real MQTT client.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, HearthProcess } from '../support/hearth-process.js';
import { MqttWatch } from '../support/mqtt-watch.js';
import { freePort } from '../support/ports.js';
import { tempDir } from '../support/temp-dir.js';

describe('hearth start without a config file', () => {
  it('runs the demo profile with an embedded broker and logs that it is ready', async () => {
    const home = await tempDir();
    const port = await freePort();
    const env = cleanEnv({
      HOME: home,
      XDG_STATE_HOME: join(home, 'state'),
      HEARTH_UPLINK_PORT: String(port),
      HEARTH_METRICS_PORT: '0',
      HEARTH_LOGGING_FORMAT: 'json',
    });
    const hearth = new HearthProcess(['start'], env);
    const ready = await hearth.waitForMessage('hearth is ready');
    // a start says what a user needs, not what the libraries do: zwave-js and zigbee-herdsman
    // are at warn (issue 19.15: about 300 lines up to here, 950 on a terminal, were theirs)
    const startLines = hearth.stdout.split('\n').filter((line) => line !== '');
    expect(startLines.length, hearth.stdout).toBeLessThanOrEqual(20);
    const libraryInfo = hearth.lines.filter(
      (line) => line.module?.match(/^radios\.(zwave\.driver|zigbee\.herdsman)$/) && line.level === 'info',
    );
    expect(libraryInfo).toEqual([]);
    expect(ready).toMatchObject({ health: 'ok', ready_ms: expect.any(Number), rss_mb: expect.any(Number) });
    expect(hearth.lines.find((line) => line.msg === 'starting hearth')).toMatchObject({
      config: 'demo profile (no config file found)',
      hubId: 'demo',
    });
    expect(hearth.lines.some((line) => line.module === 'uplink.embedded-broker' && line.level === 'warn')).toBe(true);
    expect(existsSync(join(home, 'state', 'hearth-demo'))).toBe(true);

    const watch = await MqttWatch.connect(`mqtt://127.0.0.1:${port}`, 'hearth/demo/bridge/#');
    expect((await watch.waitFor('hearth/demo/bridge/state')).payload).toBe('{"state":"online"}');

    hearth.signal('SIGTERM');
    expect((await hearth.exited).code).toBe(0);
  });
});
