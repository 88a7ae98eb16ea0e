/**
 * A broker that refuses the hub's login (issue 19.17), against a real Mosquitto with a password
 * file: the refusal is said with the fix (uplink.username / uplink.password) and no stack, on
 * the first refusal, and again at a slow interval (5 min, on a clock the test moves) while the
 * broker keeps refusing, not on every retry; once the broker takes the login it says so.
 */
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { loadConfigOrThrow } from '../../src/config/load.js';
import { ErrorCode } from '../../src/errors.js';
import { LOGIN_REFUSED_REPEAT_MS } from '../../src/uplink/broker-error-log.js';
import { MqttLink } from '../../src/uplink/mqtt-link.js';
import { captureLog } from '../support/log-capture.js';
import { Mosquitto } from '../support/mosquitto.js';
import { until } from '../support/until.js';

afterEach(() => void vi.restoreAllMocks());

describe('a broker that refuses the login', () => {
  it('says so with the fix once, again every 5 minutes while it lasts, and when the login is taken again', async () => {
    const broker = await Mosquitto.start({ users: { hub: 'the-right-one' } });
    onTestFinished(() => broker.stop());
    // the clock the link reads runs on, and the test moves it forward
    let offsetMs = 0;
    const realNow = Date.now.bind(Date);
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + offsetMs);

    const capture = captureLog('info');
    const config = await loadConfigOrThrow({
      env: {},
      profile: {
        hubId: 'login',
        stateDir: '/tmp/unused',
        uplink: { port: broker.port, username: 'hub', password: 'a-wrong-one', reconnectMinMs: 100, reconnectMaxMs: 200, startupWaitMs: 0 },
      },
    });
    const link = new MqttLink(config, capture.log);
    onTestFinished(() => link.stop());
    await link.start(new AbortController().signal);

    const said = () => capture.lines.filter((line) => line.code === ErrorCode.BrokerAuthRefused);
    await until(() => link.reconnectAttempts >= 5, 10_000, 'five refused logins');
    expect(said()).toHaveLength(1);
    const first = said()[0] ?? {};
    // MQTT 5's 0x87 (Mosquitto 2 answers a wrong password so)
    expect(first).toMatchObject({ level: 50, reasonCode: 0x87, refusals: 1 });
    expect(first.msg).toMatch(/refused the hub's login \(Connection refused: Not authorized\)/);
    expect(first.msg).toContain('check uplink.username ("hub") and uplink.password');
    expect(first.err).toBeUndefined();
    expect(JSON.stringify(capture.lines)).not.toContain('"stack"');
    expect(link.health()).toMatchObject({ status: 'degraded', detail: expect.stringContaining('Not authorized') });

    offsetMs += LOGIN_REFUSED_REPEAT_MS;
    await until(() => said().length === 2, 10_000, 'the refusal said again');
    expect(said()[1]).toMatchObject({ refusedForS: expect.any(Number) });
    expect(Number(said()[1]?.refusedForS)).toBeGreaterThanOrEqual(LOGIN_REFUSED_REPEAT_MS / 1000);
    const attempts = link.reconnectAttempts;
    await until(() => link.reconnectAttempts >= attempts + 3, 10_000, 'three more refused logins');
    expect(said()).toHaveLength(2);

    // the broker's users are fixed: the hub gets in with what it has, and says so
    await broker.stop();
    const fixed = await Mosquitto.startOn(broker.port, { users: { hub: 'a-wrong-one' } });
    onTestFinished(() => fixed.stop());
    await until(() => link.connected, 10_000, 'connected with the fixed users');
    expect(capture.lines.some((line) => line.msg === 'the broker accepts the login again')).toBe(true);
  });
});
