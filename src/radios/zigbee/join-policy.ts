/**
 * Who may join the Zigbee network, as Zigbee2MQTT's `passlist` / `blocklist`: with a pass list
 * only the devices on it, else everyone but the devices on the block list; and never more than
 * `maxDevices` devices (a device already in the network that rejoins is not a new one). herdsman
 * asks on every join (its acceptJoiningDeviceHandler) and sends a refused device a leave request;
 * the radio says so on `bridge/event` (`device_refused`). A device already in the network that
 * the lists no longer allow is removed at start.
 */

export interface JoinPolicyOptions {
  /** IEEE addresses (`0x` and 16 hex digits); when not empty, only these may join. */
  passlist: readonly string[];
  /** IEEE addresses that may never join (ignored for a device on the pass list). */
  blocklist: readonly string[];
  /** Devices the network holds at most (the coordinator not counted). */
  maxDevices: number;
}

export type JoinRefusal = { reason: 'blocklist' | 'passlist' | 'max_devices'; message: string };

export const normalizeIeee = (ieee: string): string => `0x${ieee.replace(/^0x/i, '').toLowerCase()}`;

export class JoinPolicy {
  private readonly passlist: ReadonlySet<string>;
  private readonly blocklist: ReadonlySet<string>;

  constructor(private readonly options: JoinPolicyOptions) {
    this.passlist = new Set(options.passlist.map(normalizeIeee));
    this.blocklist = new Set(options.blocklist.map(normalizeIeee));
  }

  /** Whether the lists let this device be in the network at all (undefined: they do). */
  listed(ieee: string): JoinRefusal | undefined {
    const address = normalizeIeee(ieee);
    if (this.passlist.size > 0) {
      return this.passlist.has(address) ? undefined : { reason: 'passlist', message: `${address} is not on radios.zigbee.passlist` };
    }
    return this.blocklist.has(address) ? { reason: 'blocklist', message: `${address} is on radios.zigbee.blocklist` } : undefined;
  }

  /** Whether a joining device is let in; `known`: it is in the network already; `devices`: how many the network holds. */
  decide(ieee: string, known: boolean, devices: number): JoinRefusal | undefined {
    const listed = this.listed(ieee);
    if (listed !== undefined) return listed;
    if (!known && devices >= this.options.maxDevices) {
      return {
        reason: 'max_devices',
        message: `the Zigbee network holds ${devices} devices, radios.zigbee.maxDevices is ${this.options.maxDevices}`,
      };
    }
    return undefined;
  }
}

/** The herdsman side of the policy: its joining handler, and the sweep of known devices at start. */
export interface AdmissionHooks {
  /** Whether herdsman knows the device (its database), and how many devices it holds. */
  known(ieee: string): boolean;
  devices(): number;
  refused(ieee: string, refusal: JoinRefusal): void;
}

export function joinHandler(policy: JoinPolicy, hooks: AdmissionHooks): (ieee: string) => Promise<boolean> {
  return (ieee) => {
    const refusal = policy.decide(ieee, hooks.known(ieee), hooks.devices());
    if (refusal !== undefined) hooks.refused(ieee, refusal);
    return Promise.resolve(refusal === undefined);
  };
}

/** Everyone may join, without a cap. */
export const OPEN_JOIN_POLICY = new JoinPolicy({ passlist: [], blocklist: [], maxDevices: Number.POSITIVE_INFINITY });

/** The devices among `ieees` the lists do not allow, with why. */
export function unlisted(policy: JoinPolicy, ieees: Iterable<string>): [string, JoinRefusal][] {
  return [...ieees].flatMap((ieee) => {
    const refusal = policy.listed(ieee);
    return refusal === undefined ? [] : [[ieee, refusal] as [string, JoinRefusal]];
  });
}
