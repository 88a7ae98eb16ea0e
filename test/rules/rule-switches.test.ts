/**
 * Each local rule as a Home Assistant switch, on a real Mosquitto: its discovery config fits
 * Home Assistant's switch schema; its template, rendered as Home Assistant renders it, reads the
 * retained `bridge/rules` (`True` while enabled, `False` once disabled, `None` for a list
 * without the rule); the command Home Assistant renders for "off" disables the rule through
 * `bridge/request/rule/set`; a rule added over MQTT gets a switch and a removed one loses it.
 */
import { connectAsync } from 'mqtt';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startBridgedHub } from '../support/bridged-hub.js';
import { Mosquitto } from '../support/mosquitto.js';
import { MqttWatch } from '../support/mqtt-watch.js';
import { tempDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';
import { checkDiscovery } from '../uplink/homeassistant/ha-schema.js';
import { complaintOf, renderCommandTemplate, renderTemplate } from '../uplink/homeassistant/ha-template.js';

const BASE = 'hearth/rs';
const switchTopic = (id: string) => `homeassistant/switch/hearth-rs/rule_${id}/config`;
const ticking = (id: string) => ({ id, trigger: { every_s: 3600 }, actions: [{ publish: { topic: 'tick', payload: { from: id } } }] });
const ruleEnabled = (id: string, enabled: boolean) => (payload: string) =>
  (JSON.parse(payload) as { id: string; enabled: boolean }[]).some((rule) => rule.id === id && rule.enabled === enabled);

describe('rules in Home Assistant', () => {
  it('are switches that show and set whether each rule runs, added and cleared with the rules', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const watch = await MqttWatch.connect(broker.url, '#');
    const hub = await startBridgedHub({
      hubId: 'rs',
      stateDir: await tempDir(),
      uplink: { port: broker.port, startupWaitMs: 3000, healthIntervalS: 0 },
      store: { journalBatchMs: 5 },
      rules: [ticking('night-lamp')],
    });
    onTestFinished(hub.stop);

    const { config, component } = checkDiscovery(switchTopic('night-lamp'), (await watch.waitFor(switchTopic('night-lamp'))).payload);
    expect(component).toBe('switch');
    expect(config).toMatchObject({ entity_category: 'config', name: 'Rule night-lamp', state_topic: `${BASE}/bridge/rules` });
    const enabled = await watch.waitFor(`${BASE}/bridge/rules`, ruleEnabled('night-lamp', true));
    const template = config.value_template as string;
    expect(renderTemplate(template, enabled.payload)).toBe('True');
    expect(complaintOf('switch', config, enabled.payload)).toBeUndefined();
    // a list without the rule, or no JSON: unknown, not a wrong state
    expect(renderTemplate(template, JSON.stringify([{ id: 'other', enabled: true }]))).toBe('None');
    expect(renderTemplate(template, '')).toBe('None');

    // Home Assistant switches it off: it renders the command template with the payload for off
    const ha = await connectAsync(broker.url, { reconnectPeriod: 0 });
    onTestFinished(() => ha.endAsync(true));
    const off = renderCommandTemplate(config.command_template as string, (config.payload_off as string | undefined) ?? 'OFF');
    expect(JSON.parse(off)).toEqual({ id: 'night-lamp', enabled: false });
    await ha.publishAsync(config.command_topic as string, off, { qos: 1 });
    const disabled = await watch.waitFor(`${BASE}/bridge/rules`, ruleEnabled('night-lamp', false));
    expect(renderTemplate(template, disabled.payload)).toBe('False');
    expect(hub.hub.rules.statuses().find((rule) => rule.id === 'night-lamp')?.state).toBe('disabled');
    await ha.publishAsync(
      config.command_topic as string,
      renderCommandTemplate(config.command_template as string, (config.payload_on as string | undefined) ?? 'ON'),
      { qos: 1 },
    );
    const lastRules = () => watch.received.filter((message) => message.topic === `${BASE}/bridge/rules`).at(-1)?.payload ?? '';
    await until(() => lastRules() !== disabled.payload && renderTemplate(template, lastRules()) === 'True', 5000);

    // a rule added over MQTT gets a switch; removed, its config is cleared
    await ha.publishAsync(`${BASE}/bridge/request/rule/add`, JSON.stringify({ rule: ticking('porch') }), { qos: 1 });
    checkDiscovery(switchTopic('porch'), (await watch.waitFor(switchTopic('porch'), (payload) => payload !== '')).payload);
    await ha.publishAsync(`${BASE}/bridge/request/rule/remove`, JSON.stringify({ id: 'porch' }), { qos: 1 });
    await watch.waitFor(switchTopic('porch'), '');
    // the config rule's switch stays, published once
    expect(watch.received.filter((message) => message.topic === switchTopic('night-lamp'))).toHaveLength(1);
  });

  it('refuse a rule/set that is not a rule id and a boolean, with the field named', async () => {
    const broker = await Mosquitto.start();
    onTestFinished(() => broker.stop());
    const watch = await MqttWatch.connect(broker.url, `${BASE}/bridge/response/#`);
    const hub = await startBridgedHub({
      hubId: 'rs',
      stateDir: await tempDir(),
      uplink: { port: broker.port, startupWaitMs: 3000, healthIntervalS: 0 },
      rules: [ticking('night-lamp')],
    });
    onTestFinished(hub.stop);
    const client = await connectAsync(broker.url, { reconnectPeriod: 0 });
    onTestFinished(() => client.endAsync(true));
    await client.publishAsync(`${BASE}/bridge/request/rule/set`, JSON.stringify({ id: 'night-lamp', enabled: 'OFF' }), { qos: 1 });
    const answer = JSON.parse((await watch.waitFor(`${BASE}/bridge/response/rule/set`)).payload) as {
      status: string;
      error: { code: string; message: string };
    };
    expect(answer.status).toBe('error');
    expect(answer.error.message).toContain('enabled');
    expect(hub.hub.rules.statuses()[0]?.enabled).toBe(true);
  });
});
