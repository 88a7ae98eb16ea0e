/**
 * A command in the common vocabulary as Z-Wave value writes: which of a node's value bindings
 * (value-mapping.ts) takes each key, the values they write, and the node's verdict on them.
 */
import { SetValueStatus, getEnumMemberName, type ValueID, type ZWaveNode } from 'zwave-js';
import { ErrorCode, HearthError } from '../../errors.js';
import type { ValueBinding } from './value-mapping.js';

export interface NodeWrite {
  target: ValueID;
  value: unknown;
}

const SUCCESS = new Set<SetValueStatus>([SetValueStatus.Success, SetValueStatus.SuccessUnsupervised, SetValueStatus.Working]);

/** The writes `payload` asks of the node; COMMAND_INVALID when a key has no value to go to. */
export function nodeWrites(
  node: ZWaveNode,
  known: Iterable<ValueBinding>,
  deviceId: string,
  payload: Record<string, unknown>,
): NodeWrite[] {
  const bindings = [...known];
  const current = (key: string): unknown => {
    for (const binding of bindings) {
      if (binding.read === undefined) continue;
      const value = node.getValue(binding.valueId);
      const state = value === undefined ? {} : binding.read(value);
      if (key in state) return state[key];
    }
    return undefined;
  };
  const writes: NodeWrite[] = [];
  const unplaced = new Set(Object.keys(payload));
  for (const binding of bindings) {
    const keys = binding.writes?.keys.filter((key) => key in payload) ?? [];
    if (binding.writes === undefined || keys.length === 0) continue;
    for (const key of keys) unplaced.delete(key);
    writes.push({ target: binding.writes.target ?? binding.valueId, value: binding.writes.toZWave(payload, current) });
  }
  if (unplaced.size > 0) throw new HearthError(ErrorCode.CommandInvalid, `${deviceId}: no Z-Wave value takes ${[...unplaced].join(', ')}`);
  return writes;
}

/** Writes the values; RADIO_COMMAND_FAILED when the node answers anything but success. */
export async function writeToNode(node: ZWaveNode, deviceId: string, writes: readonly NodeWrite[]): Promise<void> {
  const results = writes.map(({ target, value }) => node.setValue(target, value));
  for (const outcome of await Promise.all(results)) {
    if (!SUCCESS.has(outcome.status)) {
      const status = getEnumMemberName(SetValueStatus, outcome.status);
      throw new HearthError(
        ErrorCode.RadioCommandFailed,
        `${deviceId}: the node answered ${status}${outcome.message === undefined ? '' : `: ${outcome.message}`}`,
      );
    }
  }
}
