/**
 * When a starting Z-Wave network has announced all it can without a wake-up (`Radio.announced`,
 * which holds the hub's device lists: ../../wiring/radio-settling.ts): at zwave-js's `all nodes
 * ready`, or sooner, once every node that is not ready is asleep or dead. A sleeping node whose
 * interview is not done yet is interviewed and announced when it wakes up, which may be an hour
 * away: the lists do not wait for it (they go out again when it comes).
 */
import { NodeStatus, type Driver } from 'zwave-js';

const EVENTS = ['node ready', 'node sleep', 'node dead'] as const;

export function nodesAnnounced(driver: Driver, driverReady: Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    let ready = false;
    const done = (): void => {
      driver.off('all nodes ready', done);
      for (const event of EVENTS) driver.off(event, check);
      resolve();
    };
    const check = (): void => {
      if (!ready) return;
      for (const node of driver.controller.nodes.values()) {
        if (node.isControllerNode || node.ready || node.status === NodeStatus.Asleep || node.status === NodeStatus.Dead) continue;
        return;
      }
      done();
    };
    driver.once('all nodes ready', done);
    for (const event of EVENTS) driver.on(event, check);
    void driverReady.then(() => {
      ready = true;
      check();
    });
  });
}
