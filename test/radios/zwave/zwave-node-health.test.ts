/**
 * Node care that needs more of the controller than zwave-js 15.15's mock answers (the
 * simulator's controller behaviours add Get Routing Info and Replace Failed Node): the lifeline
 * health check with zwave-js's rating, for a node that answers (every ping acknowledged, its
 * neighbours counted) and for one out of range (rating 0); and replacing a failed node with a
 * new device that takes its node id and is interviewed as that device.
 */
import { describe, expect, it } from 'vitest';
import { ManufacturerSpecificCCGet } from '@zwave-js/cc';
import { MockZWaveFrameType, type MockZWaveFrame } from '@zwave-js/testing';
import { bridgeRequest, nodeIdOf, startZWaveHub, type ZWaveHub } from './support.js';
import { until } from '../../support/until.js';

interface HealthRound {
  rating: number;
  failedPingsNode: number;
  numNeighbors: number;
  latency: number;
}

async function hubWithRelay(): Promise<ZWaveHub> {
  const hub = await startZWaveHub(['relay', 'switch']);
  for (const id of [2, 3]) await until(() => hub.devices.device(nodeIdOf(id)) !== undefined, 20_000, `node ${id} is registered`);
  hub.devices.renameDevice(nodeIdOf(2), 'hall/relay');
  return hub;
}

describe('Z-Wave lifeline health check', () => {
  it("rates a node that answers every ping by zwave-js's scale, and one out of range 0", async () => {
    const hub = await hubWithRelay();
    const healthy = await bridgeRequest(hub, 'zwave/node/health_check', { device: 'hall/relay', rounds: 2 }, 60_000);
    expect(healthy, JSON.stringify(healthy)).toMatchObject({ status: 'ok', data: { device: 'hall/relay', rounds: 2 } });
    const results = healthy.data.results as HealthRound[];
    expect(results).toHaveLength(2);
    for (const round of results) {
      // the controller and the switch hear it; all ten pings acknowledged
      expect(round).toMatchObject({ failedPingsNode: 0, numNeighbors: 2 });
      // two neighbours or fewer caps zwave-js's rating at 8; a slow ping (a loaded machine) lowers it
      expect(round.rating).toBeGreaterThanOrEqual(round.latency > 100 ? 2 : 8);
      expect(round.rating).toBeLessThanOrEqual(8);
    }
    expect(healthy.data.rating).toBe(Math.min(...results.map((round) => round.rating)));

    hub.network.device(3).setReachable(false);
    const dead = await bridgeRequest(hub, 'zwave/node/health_check', { device: nodeIdOf(3), rounds: 1 }, 60_000);
    expect(dead, JSON.stringify(dead)).toMatchObject({ status: 'ok', data: { rating: 0, rounds: 1 } });
    expect((dead.data.results as HealthRound[])[0]).toMatchObject({ rating: 0, failedPingsNode: 10, numNeighbors: 0 });

    const refused = await bridgeRequest(hub, 'zwave/node/health_check', { device: 'hall/relay', rounds: 11 });
    expect(refused.error?.code).toBe('PAYLOAD_INVALID');
  });
});

describe('Z-Wave replace failed node', () => {
  it('replaces a node that stopped answering with a new device under its node id, which is then interviewed', async () => {
    const hub = await hubWithRelay();
    // a node that answers is not failed: zwave-js refuses to replace it
    const alive = await bridgeRequest(hub, 'zwave/node/replace_failed', { device: nodeIdOf(3) }, 30_000);
    expect(alive.status, JSON.stringify(alive)).toBe('error');
    expect(alive.error?.message).toMatch(/responded to a ping/);

    hub.network.device(3).setReachable(false);
    const replacement = hub.network.pairNew('dimmer', 3);
    const interviews = (): number =>
      hub.watch.received.filter(
        ({ topic, payload }) =>
          topic === 'hearth/zw/bridge/event' &&
          payload.includes('"device_interview"') &&
          payload.includes('"successful"') &&
          payload.includes(`"${nodeIdOf(3)}"`),
      ).length;
    const before = interviews();
    const replaced = await bridgeRequest(hub, 'zwave/node/replace_failed', { device: nodeIdOf(3) }, 30_000);
    expect(replaced, JSON.stringify(replaced)).toMatchObject({ status: 'ok', data: { device: nodeIdOf(3), replaced: true } });
    await until(() => interviews() > before, 60_000, 'the replacement is interviewed');
    // the new device was interviewed as itself, a dimmer, under the old node id
    replacement.node.assertReceivedControllerFrame(
      (frame: MockZWaveFrame) => frame.type === MockZWaveFrameType.Request && frame.payload instanceof ManufacturerSpecificCCGet,
    );
    await until(() => hub.devices.device(nodeIdOf(3)) !== undefined, 20_000, 'the replacement is registered');
    const set = await hub.watch.client.publishAsync(`hearth/zw/${nodeIdOf(3)}/set`, '{"brightness":128}', { qos: 1 });
    expect(set).toBeDefined();
    await until(() => replacement.level !== 0, 10_000, 'the dimmer took the command');
  });
});
