/**
 * Associations of a node's groups (Association and Multi Channel Association CCs, through
 * zwave-js's controller API): the groups with their labels, max nodes and lifeline flag, the
 * nodes (and endpoints) in each, adding and removing targets, and the lifeline check and
 * repair (the controller belongs in the lifeline group, or the node reports to no one).
 */
import { AssociationCheckResult, getEnumMemberName, type AssociationAddress } from 'zwave-js';
import { isZWaveError } from '@zwave-js/core';
import { ErrorCode, HearthError, describeError } from '../../../errors.js';
import type { AssociationGroupInfo, AssociationTarget } from '../../zwave-tools.js';
import type { ToolContext } from './tool-context.js';

const target = (address: AssociationAddress): AssociationTarget =>
  address.endpoint === undefined ? { node_id: address.nodeId } : { node_id: address.nodeId, endpoint: address.endpoint };

const address = (target: AssociationTarget): AssociationAddress =>
  target.endpoint === undefined ? { nodeId: target.node_id } : { nodeId: target.node_id, endpoint: target.endpoint };

export class AssociationTools {
  constructor(private readonly context: ToolContext) {}

  private source(deviceId: string, endpoint?: number): AssociationAddress {
    const node = this.context.node(deviceId);
    return endpoint === undefined || endpoint === 0 ? { nodeId: node.id } : { nodeId: node.id, endpoint };
  }

  associations(deviceId: string, endpoint?: number): AssociationGroupInfo[] {
    const controller = this.context.driver().controller;
    const source = this.source(deviceId, endpoint);
    const groups = controller.getAssociationGroups(source);
    const members = controller.getAssociations(source);
    return [...groups].map(([group, info]) => ({
      group,
      label: info.label,
      max_nodes: info.maxNodes,
      is_lifeline: info.isLifeline,
      multi_channel: info.multiChannel,
      associations: (members.get(group) ?? []).map(target),
    }));
  }

  /** The group, or ASSOCIATION_INVALID naming the groups there are. */
  private group(deviceId: string, group: number, endpoint?: number): AssociationGroupInfo {
    const groups = this.associations(deviceId, endpoint);
    const found = groups.find((candidate) => candidate.group === group);
    if (found === undefined)
      throw new HearthError(
        ErrorCode.AssociationInvalid,
        `${deviceId}: no association group ${group} (it has ${groups.map((g) => `${g.group} ${g.label}`).join(', ') || 'none'})`,
      );
    return found;
  }

  async addAssociations(deviceId: string, group: number, targets: AssociationTarget[], endpoint?: number): Promise<AssociationGroupInfo[]> {
    const info = this.group(deviceId, group, endpoint);
    const fresh = targets.filter((t) => !info.associations.some((a) => a.node_id === t.node_id && a.endpoint === t.endpoint));
    if (info.associations.length + fresh.length > info.max_nodes)
      throw new HearthError(
        ErrorCode.AssociationInvalid,
        `${deviceId}: group ${group} (${info.label}) holds at most ${info.max_nodes} nodes, it has ${info.associations.length}`,
      );
    const controller = this.context.driver().controller;
    const source = this.source(deviceId, endpoint);
    for (const wanted of fresh) {
      if (wanted.endpoint !== undefined && !info.multi_channel)
        throw new HearthError(
          ErrorCode.AssociationInvalid,
          `${deviceId}: group ${group} takes no endpoints (no Multi Channel Association)`,
        );
      const check = controller.checkAssociation(source, group, address(wanted));
      if (check !== AssociationCheckResult.OK)
        throw new HearthError(
          ErrorCode.AssociationInvalid,
          `${deviceId}: node ${wanted.node_id} is not allowed in group ${group} (${getEnumMemberName(AssociationCheckResult, check)})`,
        );
    }
    await this.run(deviceId, () => controller.addAssociations(source, group, fresh.map(address)));
    return this.associations(deviceId, endpoint);
  }

  async removeAssociations(
    deviceId: string,
    group: number,
    targets: AssociationTarget[],
    endpoint?: number,
  ): Promise<AssociationGroupInfo[]> {
    this.group(deviceId, group, endpoint);
    const controller = this.context.driver().controller;
    await this.run(deviceId, () => controller.removeAssociations(this.source(deviceId, endpoint), group, targets.map(address)));
    return this.associations(deviceId, endpoint);
  }

  async lifeline(deviceId: string, repair: boolean): Promise<{ ok: boolean; repaired: boolean; group?: number }> {
    const groups = this.associations(deviceId);
    const lifeline = groups.find((group) => group.is_lifeline) ?? groups.find((group) => group.group === 1);
    if (lifeline === undefined) return { ok: true, repaired: false };
    const own = this.context.driver().controller.ownNodeId ?? 1;
    const ok = lifeline.associations.some((a) => a.node_id === own);
    if (ok || !repair) return { ok, repaired: false, group: lifeline.group };
    const controller = this.context.driver().controller;
    await this.run(deviceId, () => controller.addAssociations(this.source(deviceId), lifeline.group, [{ nodeId: own }]));
    return { ok: true, repaired: true, group: lifeline.group };
  }

  /** zwave-js's argument errors as ASSOCIATION_INVALID; a node's failure stays what it is. */
  private async run(deviceId: string, action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (error) {
      if (isZWaveError(error) && /Association|not allowed|not supported/i.test(error.message))
        throw new HearthError(ErrorCode.AssociationInvalid, `${deviceId}: ${describeError(error)}`, { cause: error });
      throw error;
    }
  }
}
