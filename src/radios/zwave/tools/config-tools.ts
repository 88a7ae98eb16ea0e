/**
 * Configuration parameters of a node by number or label: listed from the node's defined
 * values and their metadata (zwave-js's config database, or the Configuration CC's own
 * discovery), read from the device (Configuration Get) and written (Configuration Set through
 * the value API, which checks size and format), with the range checked first.
 */
import { CommandClasses } from '@zwave-js/core';
import { SetValueStatus, getEnumMemberName, type ZWaveNode } from 'zwave-js';
import { ErrorCode, HearthError } from '../../../errors.js';
import type { ConfigParameter, ParameterRef } from '../../zwave-tools.js';
import { describeParameter, findParameter, isConfigValue, parameterValue } from '../config-parameters.js';
import type { NodeValue } from '../value-mapping.js';
import type { ToolContext } from './tool-context.js';

const WRITTEN = new Set<SetValueStatus>([SetValueStatus.Success, SetValueStatus.SuccessUnsupervised, SetValueStatus.Working]);

function valuesOf(node: ZWaveNode): NodeValue[] {
  return node.getDefinedValueIDs().map((id) => ({ id, metadata: node.getValueMetadata(id) }));
}

export class ConfigTools {
  constructor(private readonly context: ToolContext) {}

  configParameters(deviceId: string): ConfigParameter[] {
    const node = this.context.node(deviceId);
    return valuesOf(node)
      .filter((value) => isConfigValue(value.id))
      .map((value) => describeParameter(value, node.getValue(value.id)));
  }

  async configGet(deviceId: string, ref: ParameterRef, bitmask?: number): Promise<ConfigParameter> {
    const node = this.context.node(deviceId);
    const value = findParameter(deviceId, valuesOf(node), ref, bitmask);
    const parameter = Number(value.id.property);
    if ((value.metadata.readable ?? true) && node.supportsCC(CommandClasses.Configuration)) {
      const answer = await node.commandClasses.Configuration.get(parameter);
      if (answer === undefined)
        throw new HearthError(ErrorCode.DeviceUnreachable, `${deviceId} did not answer the Configuration Get of parameter ${parameter}`);
    }
    return describeParameter(value, node.getValue(value.id));
  }

  async configSet(deviceId: string, ref: ParameterRef, value: number | string, bitmask?: number): Promise<ConfigParameter> {
    const node = this.context.node(deviceId);
    const found = findParameter(deviceId, valuesOf(node), ref, bitmask);
    const before = describeParameter(found, node.getValue(found.id));
    const wanted = parameterValue(deviceId, before, value);
    const result = await node.setValue(found.id, wanted);
    if (!WRITTEN.has(result.status)) {
      throw new HearthError(
        ErrorCode.RadioCommandFailed,
        `${deviceId}: parameter ${before.parameter} not set, the node answered ${getEnumMemberName(SetValueStatus, result.status)}${result.message === undefined ? '' : `: ${result.message}`}`,
      );
    }
    return describeParameter(found, node.getValue(found.id) ?? wanted);
  }
}
