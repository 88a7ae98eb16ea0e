/**
 * The rules as a user manages them, on the real devices part (actor system, stores on disk):
 * config problems said all at once with their paths; rules added over MQTT kept across a
 * restart, config rules read-only but switchable; a rule naming a device not there yet runs once
 * it is; a pending revert survives a restart; a failed action is a rule_failed event.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { ActorSystem } from '../../src/actors/actor-system.js';
import { loadConfig } from '../../src/config/load.js';
import { formatProblem } from '../../src/config/problems.js';
import { configSchema } from '../../src/config/schema.js';
import type { RuleDefinitionInput } from '../../src/config/rules-schema.js';
import { ruleDefinition } from '../../src/config/rules-schema.js';
import { DeviceService } from '../../src/devices/device-service.js';
import type { BridgeEvent } from '../../src/events/bridge-events.js';
import type { RadioPort } from '../../src/devices/device-actor.js';
import { RuleEngine } from '../../src/rules/rule-engine.js';
import { capturingLog } from '../actors/support.js';
import { actorsConfig } from '../support/config-defaults.js';
import { tempDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';

const LAMP = 'zigbee:0x00158d0001a2b3c4';
const onOff = [
  {
    type: 'switch',
    features: [{ type: 'binary', name: 'state', property: 'state', access: 7, value_on: 'ON', value_off: 'OFF', value_toggle: 'TOGGLE' }],
  },
];

/** A hub's devices part with one lamp whose radio records the commands (and can be made to fail). */
async function devicesPart(stateDir: string, configRules: RuleDefinitionInput[] = []) {
  const { log } = capturingLog();
  const system = new ActorSystem({ log, config: actorsConfig({ idleTimeoutMs: 0 }) });
  const devices = new DeviceService({ stateDir, store: configSchema.parse({ store: { journalBatchMs: 5 } }).store, system, log });
  await devices.start();
  const sent: Record<string, unknown>[] = [];
  const radio = { failing: false };
  // the devices part's own port to a radio (the real radios are in the three-radio test)
  const port: RadioPort = {
    send: (_id, payload) => {
      if (radio.failing) return Promise.reject(new Error('no answer from the lamp'));
      sent.push(payload);
      return Promise.resolve();
    },
    ping: () => Promise.resolve(),
    faultScope: () => 'none',
  };
  devices.attachRadio('zigbee', port);
  if (devices.device(LAMP) === undefined)
    devices.addDevice({ id: LAMP, friendlyName: 'hall/lamp', radio: 'zigbee', capabilities: onOff as never });
  const events: BridgeEvent[] = [];
  devices.events.on('test', 'bridge.event', (event) => void events.push(event));
  const engine = new RuleEngine({
    devices,
    events: devices.events,
    rules: configRules.map((rule) => ruleDefinition.parse(rule)),
    settings: { maxFiringsPerS: 10 },
    log,
  });
  await engine.start();
  const stop = async () => {
    await engine.stop();
    await system.shutdown();
    await devices.stop();
  };
  return { devices, engine, sent, events, radio, stop };
}

const every = (id: string, seconds: number, extra: Partial<RuleDefinitionInput> = {}): RuleDefinitionInput => ({
  id,
  trigger: { every_s: seconds },
  actions: [{ device: 'hall/lamp', set: { state: 'ON' } }],
  ...extra,
});

describe('the rule book', () => {
  it('says every problem of the rules in a config file at once, with its path', async () => {
    const result = await loadConfig({
      env: {},
      profile: {
        rules: [
          { id: 'Bad Id', trigger: { at: '25:00' }, actions: [] },
          { id: 'ok', trigger: { device: 'x', attribute: 'temperature', op: '>', value: 'warm' }, actions: [{ delay_s: 1 }] },
          { id: 'ok', trigger: { every_s: 5 }, actions: [{ device: 'x' }] },
        ],
      },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const problems = result.problems.map(formatProblem).join('\n');
    for (const expected of [
      'rules.0.id',
      'rules.0.trigger.at',
      'rules.0.actions',
      'rules.1.trigger.value',
      'rules.2.actions.0.set',
      'rules.2.id',
    ])
      expect(problems, expected).toContain(expected);
  });

  it('keeps rules added over MQTT across a restart; a config rule can only be switched on and off', async () => {
    const stateDir = await tempDir();
    const first = await devicesPart(stateDir, [every('from-config', 3600)]);
    first.engine.rules.add(every('added', 3600));
    await first.engine.reload('added');
    expect(() => first.engine.rules.update(every('from-config', 60))).toThrow(expect.objectContaining({ code: 'RULE_READ_ONLY' }));
    expect(() => first.engine.rules.add(every('added', 60))).toThrow(expect.objectContaining({ code: 'RULE_EXISTS' }));
    expect(() => first.engine.rules.remove('missing')).toThrow(expect.objectContaining({ code: 'RULE_NOT_FOUND' }));
    await first.engine.setEnabled('from-config', false);
    await first.stop();

    const second = await devicesPart(stateDir, [every('from-config', 3600)]);
    onTestFinished(second.stop);
    const statuses = second.engine.statuses();
    expect(statuses.map((status) => [status.id, status.source, status.state])).toEqual([
      ['from-config', 'config', 'disabled'],
      ['added', 'mqtt', 'active'],
    ]);
  });

  it('refuses a rule naming a missing device or attribute; a config rule waits for its device and then runs', async () => {
    const part = await devicesPart(await tempDir(), [
      {
        id: 'later',
        trigger: { device: 'porch/plug', attribute: 'state', value: 'ON' },
        actions: [{ device: 'hall/lamp', set: { state: 'ON' } }],
      },
    ]);
    onTestFinished(part.stop);
    expect(() =>
      part.engine.rules.add({
        id: 'bad',
        trigger: { device: 'hall/lamp', attribute: 'temperature', op: '>', value: 3 },
        actions: [{ delay_s: 1 }],
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'RULE_INVALID',
        message: expect.stringContaining('rule bad.trigger.attribute: hall/lamp has no attribute'),
      }),
    );
    expect(part.engine.statuses()[0]).toMatchObject({
      id: 'later',
      state: 'invalid',
      problems: [expect.stringContaining('rules.0.trigger.device')],
    });

    part.devices.addDevice({ id: 'zigbee:0x00158d0001a2b3c5', friendlyName: 'porch/plug', radio: 'zigbee', capabilities: onOff as never });
    await until(() => part.engine.statuses()[0]?.state === 'active', 5000, 'the rule runs once its device exists');
    await part.devices.report('zigbee:0x00158d0001a2b3c5', { state: 'ON' });
    await until(() => part.sent.length === 1, 5000, 'the rule switched the lamp');
    expect(part.sent).toEqual([{ state: 'ON' }]);
  });

  it('keeps a pending revert across a restart, and says a failed action as rule_failed', async () => {
    const stateDir = await tempDir();
    const first = await devicesPart(stateDir);
    first.devices.addDevice({ id: 'zigbee:0x00158d0001a2b3c5', friendlyName: 'hall/door', radio: 'zigbee' });
    first.engine.rules.add({
      id: 'door-lamp',
      trigger: { device: 'hall/door', attribute: 'contact', value: false },
      actions: [{ device: 'hall/lamp', set: { state: 'ON' }, revert_after_s: 0.6, revert: { state: 'OFF' } }],
    });
    await first.engine.reload('door-lamp');
    await first.devices.report('zigbee:0x00158d0001a2b3c5', { contact: false });
    await until(() => first.sent.length === 1, 5000, 'the door switched the lamp on');
    await first.stop(); // before the revert is due

    const second = await devicesPart(stateDir);
    onTestFinished(second.stop);
    await until(() => second.sent.length === 1, 5000, 'the revert came in the next life');
    expect(second.sent).toEqual([{ state: 'OFF' }]);

    second.radio.failing = true;
    await second.devices.report('zigbee:0x00158d0001a2b3c5', { contact: true });
    await second.devices.report('zigbee:0x00158d0001a2b3c5', { contact: false });
    await until(() => second.events.some((event) => event.type === 'rule_failed'), 5000, 'rule_failed');
    expect(second.events.find((event) => event.type === 'rule_failed')).toMatchObject({
      data: { rule: 'door-lamp', action: 0, code: 'RADIO_COMMAND_FAILED', message: expect.stringContaining('no answer from the lamp') },
    });
    expect(second.engine.statuses()[0]).toMatchObject({ state: 'active', last_error: { code: 'RADIO_COMMAND_FAILED' } });
  });
});
