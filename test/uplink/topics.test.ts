import { describe, expect, it } from 'vitest';
import { parseIncomingTopic, Topics } from '../../src/uplink/topics.js';

const base = 'hearth/hub1';

describe('topics', () => {
  it('understands set, set/<attribute>, get and bridge requests, with / in friendly names', () => {
    expect(parseIncomingTopic(base, 'hearth/hub1/kitchen/ceiling/set')).toEqual({ kind: 'set', device: 'kitchen/ceiling' });
    expect(parseIncomingTopic(base, 'hearth/hub1/kitchen/ceiling/set/brightness')).toEqual({
      kind: 'set',
      device: 'kitchen/ceiling',
      attribute: 'brightness',
    });
    expect(parseIncomingTopic(base, 'hearth/hub1/lamp/get')).toEqual({ kind: 'get', device: 'lamp' });
    expect(parseIncomingTopic(base, 'hearth/hub1/bridge/request/device/rename')).toEqual({ kind: 'request', command: 'device/rename' });
  });

  it('ignores its own publications and anything outside the base', () => {
    for (const topic of [
      'hearth/hub1/lamp',
      'hearth/hub1/lamp/availability',
      'hearth/hub1/bridge/state',
      'hearth/hub1/bridge/response/permit_join',
      'hearth/hub2/lamp/set',
      'hearth/hub1/set',
      'hearth/hub1/bridge/request/',
      'hearth/hub1/lamp/set/',
    ]) {
      expect(parseIncomingTopic(base, topic), topic).toEqual({ kind: 'ignored' });
    }
  });

  it('builds the topics the hub publishes', () => {
    const topics = new Topics(base);
    expect([
      topics.device('kitchen/ceiling'),
      topics.availability('lamp'),
      topics.bridge('devices'),
      topics.response('permit_join'),
      topics.subscription,
    ]).toEqual([
      'hearth/hub1/kitchen/ceiling',
      'hearth/hub1/lamp/availability',
      'hearth/hub1/bridge/devices',
      'hearth/hub1/bridge/response/permit_join',
      'hearth/hub1/#',
    ]);
  });
});
