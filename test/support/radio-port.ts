/**
 * A radio port for tests that feed devices by hand (no radio library in the loop): the
 * test's own send; pings always answer; faults are classified as the hub classifies its own
 * coded errors.
 */
import type { RadioPort } from '../../src/devices/device-actor.js';
import { hubFaultScope } from '../../src/radios/fault-scope.js';

export function radioPort(send: RadioPort['send'], ping: RadioPort['ping'] = () => Promise.resolve()): RadioPort {
  return { send, ping, faultScope: hubFaultScope };
}
