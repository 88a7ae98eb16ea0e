/**
 * Mock node behaviours that zwave-js 15.15's mocks lack, so that the real driver's interview
 * of a simulated node runs to the end without timeouts: Version Get, Battery Get, Wake Up
 * (interval, capabilities, and sleeping between wake-ups), Association, Notification Get, Node
 * Naming (the name a node carries, any UTF-16 text, as a user gave it in another tool); and
 * an "out of range" switch for dead/alive. Checked against zwave-js 15.15.0: two reports
 * (`WakeUpCCIntervalReport`, `WakeUpCCIntervalCapabilitiesReport`) serialise empty there, so
 * they go out as raw Command Class frames with the payload the specification gives.
 */
import {
  AssociationCCGet,
  AssociationCCRemove,
  AssociationCCReport,
  AssociationCCSet,
  AssociationCCSupportedGroupingsGet,
  AssociationCCSupportedGroupingsReport,
  BatteryCCGet,
  BatteryCCReport,
  CommandClass,
  NodeNamingAndLocationCCLocationGet,
  NodeNamingAndLocationCCNameGet,
  NotificationCCGet,
  NotificationCCReport,
  VersionCCGet,
  VersionCCReport,
  WakeUpCCIntervalCapabilitiesGet,
  WakeUpCCIntervalGet,
  WakeUpCCIntervalSet,
  WakeUpCCNoMoreInformation,
} from '@zwave-js/cc';
import { CommandClasses, ZWaveLibraryTypes } from '@zwave-js/core';
import { Bytes } from '@zwave-js/shared';
import type { MockNode, MockNodeBehavior } from '@zwave-js/testing';

type Reply = ReturnType<NonNullable<MockNodeBehavior['handleCC']>>;

const send = (cc: CommandClass): Reply => Promise.resolve({ action: 'sendCC', cc });
const ok = (): Reply => Promise.resolve({ action: 'ok' });
const stop = (): Reply => Promise.resolve({ action: 'stop' });

/** Keys of a mock node's state map that the simulator uses. */
export const State = {
  battery: 'hearth.battery',
  asleep: 'hearth.asleep',
  unreachable: 'hearth.unreachable',
  door: 'hearth.door',
  wakeUpInterval: 'hearth.wakeUpInterval',
  wakeUpTarget: 'hearth.wakeUpTarget',
  name: 'hearth.name',
  /** The firmware version it reports (its capabilities' until a firmware update changed it). */
  firmwareVersion: 'hearth.firmwareVersion',
} as const;

export const versionBehavior: MockNodeBehavior = {
  handleCC(controller, self, cc) {
    if (!(cc instanceof VersionCCGet)) return undefined;
    return send(
      new VersionCCReport({
        nodeId: controller.ownNodeId,
        libraryType: ZWaveLibraryTypes['Enhanced Slave'],
        protocolVersion: '7.18',
        firmwareVersions: [(self.state.get(State.firmwareVersion) as string | undefined) ?? self.capabilities.firmwareVersion],
      }),
    );
  },
};

export const batteryBehavior: MockNodeBehavior = {
  handleCC(controller, self, cc) {
    if (!(cc instanceof BatteryCCGet)) return undefined;
    return send(new BatteryCCReport({ nodeId: controller.ownNodeId, level: (self.state.get(State.battery) as number | undefined) ?? 90 }));
  },
};

const u24 = (n: number): number[] => [(n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];

export const wakeUpBehavior: MockNodeBehavior = {
  handleCC(controller, self, cc) {
    if (cc instanceof WakeUpCCIntervalGet) {
      const interval = (self.state.get(State.wakeUpInterval) as number | undefined) ?? 3600;
      const target = (self.state.get(State.wakeUpTarget) as number | undefined) ?? 0;
      // Wake Up Interval Report (0x06): interval (24 bit), target node
      return send(
        new CommandClass({
          nodeId: controller.ownNodeId,
          ccId: CommandClasses['Wake Up'],
          ccCommand: 0x06,
          payload: Bytes.from([...u24(interval), target]),
        }),
      );
    }
    if (cc instanceof WakeUpCCIntervalSet) {
      self.state.set(State.wakeUpInterval, cc.wakeUpInterval);
      self.state.set(State.wakeUpTarget, cc.controllerNodeId);
      return ok();
    }
    if (cc instanceof WakeUpCCIntervalCapabilitiesGet) {
      // Wake Up Interval Capabilities Report (0x0a): min, max, default, step (24 bit each)
      return send(
        new CommandClass({
          nodeId: controller.ownNodeId,
          ccId: CommandClasses['Wake Up'],
          ccCommand: 0x0a,
          payload: Bytes.from([...u24(60), ...u24(86_400), ...u24(3600), ...u24(60)]),
        }),
      );
    }
    return undefined;
  },
};

/** Big-endian UTF-16 code units: any JavaScript string, lone surrogates and all. */
function utf16be(text: string): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) bytes.push(text.charCodeAt(i) >> 8, text.charCodeAt(i) & 0xff);
  return bytes;
}

/** Node Naming and Location: the name in the node's state (as UTF-16, char presentation 2), no location. */
export const nodeNamingBehavior: MockNodeBehavior = {
  handleCC(controller, self, cc) {
    const ccId = CommandClasses['Node Naming and Location'];
    if (cc instanceof NodeNamingAndLocationCCNameGet) {
      const name = (self.state.get(State.name) as string | undefined) ?? '';
      // Name Report (0x03): char presentation, then the name
      return send(new CommandClass({ nodeId: controller.ownNodeId, ccId, ccCommand: 0x03, payload: Bytes.from([2, ...utf16be(name)]) }));
    }
    if (cc instanceof NodeNamingAndLocationCCLocationGet)
      return send(new CommandClass({ nodeId: controller.ownNodeId, ccId, ccCommand: 0x06, payload: Bytes.from([0]) }));
    return undefined;
  },
};

/** Without Association the driver takes a Notification sensor for one it must poll. */
export const associationBehavior: MockNodeBehavior = {
  handleCC(controller, self, cc) {
    if (cc instanceof AssociationCCSupportedGroupingsGet)
      return send(new AssociationCCSupportedGroupingsReport({ nodeId: controller.ownNodeId, groupCount: 1 }));
    if (cc instanceof AssociationCCGet) {
      const nodeIds = (self.state.get(`hearth.association.${cc.groupId}`) as number[] | undefined) ?? [];
      return send(new AssociationCCReport({ nodeId: controller.ownNodeId, groupId: cc.groupId, maxNodes: 5, nodeIds, reportsToFollow: 0 }));
    }
    if (cc instanceof AssociationCCSet) {
      const key = `hearth.association.${cc.groupId}`;
      self.state.set(key, [...new Set([...((self.state.get(key) as number[] | undefined) ?? []), ...cc.nodeIds])]);
      return ok();
    }
    if (cc instanceof AssociationCCRemove) {
      // no group: every group; no nodes: all of them (the specification's Remove)
      for (const group of cc.groupId === undefined || cc.groupId === 0 ? [1] : [cc.groupId]) {
        const key = `hearth.association.${group}`;
        const kept = ((self.state.get(key) as number[] | undefined) ?? []).filter(
          (nodeId) => cc.nodeIds !== undefined && cc.nodeIds.length > 0 && !cc.nodeIds.includes(nodeId),
        );
        self.state.set(key, kept);
      }
      return ok();
    }
    return undefined;
  },
};

/** Answers the interview's push/pull probe (status 0xff: push) with the current door state. */
export const doorNotificationBehavior: MockNodeBehavior = {
  handleCC(controller, self, cc) {
    if (!(cc instanceof NotificationCCGet)) return undefined;
    const event = (self.state.get(State.door) as number | undefined) ?? DOOR_CLOSED;
    return send(
      new NotificationCCReport({
        nodeId: controller.ownNodeId,
        notificationType: ACCESS_CONTROL,
        notificationEvent: event,
        notificationStatus: 0xff,
      }),
    );
  },
};

export const ACCESS_CONTROL = 0x06;
export const DOOR_OPEN = 0x16;
export const DOOR_CLOSED = 0x17;

/** A sleeping node neither acknowledges nor answers; No More Information sends it to sleep. */
export const sleepBehavior: MockNodeBehavior = {
  handleCC(_controller, self, cc) {
    if (self.state.get(State.asleep) === true) return stop();
    if (cc instanceof WakeUpCCNoMoreInformation) {
      setAsleep(self, true);
      return stop();
    }
    return undefined;
  },
};

export function setAsleep(node: MockNode, asleep: boolean): void {
  node.state.set(State.asleep, asleep);
  node.autoAckControllerFrames = !asleep;
}

/** A node out of range: no acknowledgement, no answer (the driver finds it dead). */
export const reachabilityBehavior: MockNodeBehavior = {
  handleCC(_controller, self) {
    return self.state.get(State.unreachable) === true ? stop() : undefined;
  },
};

export function setReachable(node: MockNode, reachable: boolean): void {
  node.state.set(State.unreachable, !reachable);
  node.autoAckControllerFrames = reachable && node.state.get(State.asleep) !== true;
}
