/**
 * What a group offers, from its members' capabilities: a light when a member is a light (the
 * features every light member has, so a group command never asks a light for what it lacks),
 * else a switch when a member switches (`state` ON/OFF). Home Assistant discovery and a group
 * command's validation use it.
 */
import type { Capability, Feature, SpecificCapability } from '../../model/capabilities.js';
import type { DeviceRecord } from '../../model/device-record.js';

function specific(capabilities: readonly Capability[] | undefined, type: 'light' | 'switch'): SpecificCapability | undefined {
  return capabilities?.find((capability): capability is SpecificCapability => !('property' in capability) && capability.type === type);
}

/** A member's on/off: its switch's `state`, or a top-level binary `state` (a GPIO relay). */
function switchState(capabilities: readonly Capability[] | undefined): Feature | undefined {
  const inSwitch = specific(capabilities, 'switch')?.features.find((feature) => feature.property === 'state');
  if (inSwitch !== undefined) return inSwitch;
  return capabilities?.find(
    (capability): capability is Feature => 'property' in capability && capability.property === 'state' && capability.type === 'binary',
  );
}

export function groupCapabilities(members: readonly DeviceRecord[]): Capability[] {
  const lights = members.flatMap((member) => specific(member.capabilities, 'light') ?? []);
  if (lights.length > 0) {
    const [first, ...others] = lights as [SpecificCapability, ...SpecificCapability[]];
    const features = first.features.filter((feature) =>
      others.every((light) => light.features.some((other) => other.property === feature.property && other.type === feature.type)),
    );
    return [{ type: 'light', features: features.map(({ endpoint: _endpoint, ...feature }) => feature as Feature) }];
  }
  const state = members.map((member) => switchState(member.capabilities)).find((feature) => feature !== undefined);
  if (state === undefined) return [];
  const { endpoint: _endpoint, ...feature } = state;
  return [{ type: 'switch', features: [{ ...feature, property: 'state', name: 'state' }] }];
}
