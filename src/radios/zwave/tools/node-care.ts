/**
 * Node care on zwave-js's own operations: ping, refresh values, re-interview, remove and
 * replace a failed node, rebuild one node's routes or the network's (with progress events;
 * `meshBusy` meanwhile, so the breakers do not count the mesh's slowness against devices),
 * the lifeline health check with its rating, each node's statistics, and the controller's NVM
 * backup and restore (refused while devices are being included).
 */
import { InclusionState, InclusionStrategy, ProtocolDataRate, getEnumMemberName, type NodeStatistics, type ZWaveNode } from 'zwave-js';
import { ErrorCode, HearthError } from '../../../errors.js';
import type { LifelineHealth, ZWaveNodeStatistics } from '../../zwave-tools.js';
import type { ToolContext } from './tool-context.js';

/** zwave-js's RSSI: a dBm figure, or 125-127 for "no signal", "too high", "not available". */
const rssiOf = (rssi: number | undefined): number | undefined => (rssi === undefined || rssi >= 125 ? undefined : rssi);

export function statisticsOf(stats: NodeStatistics): ZWaveNodeStatistics {
  const out: ZWaveNodeStatistics = {
    commands_tx: stats.commandsTX,
    commands_rx: stats.commandsRX,
    commands_dropped_tx: stats.commandsDroppedTX,
    commands_dropped_rx: stats.commandsDroppedRX,
    timeout_response: stats.timeoutResponse,
  };
  if (stats.rtt !== undefined) out.rtt_ms = Math.round(stats.rtt * 10) / 10;
  const rssi = rssiOf(stats.rssi);
  if (rssi !== undefined) out.rssi_dbm = rssi;
  if (stats.lwr !== undefined) {
    out.last_working_route = { repeaters: [...stats.lwr.repeaters] };
    if (stats.lwr.protocolDataRate !== undefined)
      out.last_working_route.protocol_data_rate = getEnumMemberName(ProtocolDataRate, stats.lwr.protocolDataRate);
  }
  if (stats.lastSeen !== undefined) out.last_seen = stats.lastSeen.toISOString();
  return out;
}

export class NodeCare {
  private rebuilding: Promise<Record<string, string>> | undefined;

  constructor(private readonly context: ToolContext) {}

  ping(deviceId: string): Promise<boolean> {
    return this.context.node(deviceId).ping();
  }

  refreshValues(deviceId: string): Promise<void> {
    return this.context.node(deviceId).refreshValues();
  }

  /** Interviews the node again (its `ready` announces it afresh); resolves when the interview started. */
  async reinterview(deviceId: string): Promise<void> {
    const node = this.context.node(deviceId);
    const id = this.context.idOf(node);
    this.context.event('device_interview', { id, status: 'started' });
    await node.refreshInfo({ waitForWakeup: true });
  }

  async removeFailed(deviceId: string): Promise<void> {
    const node = this.context.node(deviceId);
    await this.context.driver().controller.removeFailedNode(node.id);
  }

  /** Replaces a failed node with a new device in inclusion mode (it takes the failed node's id). */
  replaceFailed(deviceId: string): Promise<boolean> {
    const node = this.context.node(deviceId);
    return this.context.driver().controller.replaceFailedNode(node.id, { strategy: InclusionStrategy.Insecure });
  }

  rebuildNodeRoutes(deviceId: string): Promise<boolean> {
    const node = this.context.node(deviceId);
    return this.context.driver().controller.rebuildNodeRoutes(node.id);
  }

  get meshBusy(): boolean {
    try {
      return this.rebuilding !== undefined || this.context.driver().controller.isRebuildingRoutes;
    } catch {
      return false;
    }
  }

  /** Rebuilds every node's routes; `zwave_rebuild_routes` events carry the progress. A second call joins the one running. */
  rebuildRoutes(): Promise<Record<string, string>> {
    if (this.rebuilding !== undefined) return this.rebuilding;
    const controller = this.context.driver().controller;
    const byDevice = (progress: ReadonlyMap<number, string>): Record<string, string> => {
      const out: Record<string, string> = {};
      for (const [nodeId, status] of progress) {
        const node = controller.nodes.get(nodeId);
        out[node === undefined ? String(nodeId) : this.context.idOf(node)] = status;
      }
      return out;
    };
    const run = new Promise<Record<string, string>>((resolve, reject) => {
      const onProgress = (progress: ReadonlyMap<number, string>): void =>
        this.context.event('zwave_rebuild_routes', { radio: 'zwave', done: false, progress: byDevice(progress) });
      const onDone = (result: ReadonlyMap<number, string>): void => {
        controller.off('rebuild routes progress', onProgress);
        const progress = byDevice(result);
        this.context.event('zwave_rebuild_routes', { radio: 'zwave', done: true, progress });
        resolve(progress);
      };
      controller.on('rebuild routes progress', onProgress);
      controller.once('rebuild routes done', onDone);
      if (!controller.beginRebuildingRoutes()) {
        controller.off('rebuild routes progress', onProgress);
        controller.off('rebuild routes done', onDone);
        reject(new HearthError(ErrorCode.RadioBusy, 'the Z-Wave controller is busy (inclusion or exclusion running): routes not rebuilt'));
      }
    });
    this.rebuilding = run;
    const clear = (): void => (this.rebuilding = undefined);
    run.then(clear, clear);
    return run;
  }

  async lifelineHealth(deviceId: string, rounds: number): Promise<LifelineHealth> {
    const node = this.context.node(deviceId);
    const summary = await node.checkLifelineHealth(rounds);
    return { rating: summary.rating, rounds, results: summary.results.map((result) => ({ ...result })) };
  }

  statistics(deviceId: string): ZWaveNodeStatistics | undefined {
    return statisticsOf(this.context.node(deviceId).statistics);
  }

  allStatistics(): Record<string, ZWaveNodeStatistics> {
    const out: Record<string, ZWaveNodeStatistics> = {};
    let nodes: Iterable<ZWaveNode>;
    try {
      nodes = this.context.driver().controller.nodes.values();
    } catch {
      return out;
    }
    for (const node of nodes) if (!node.isControllerNode) out[this.context.idOf(node)] = statisticsOf(node.statistics);
    return out;
  }

  backupNVM(): Promise<Uint8Array> {
    return this.context.driver().controller.backupNVMRaw();
  }

  async restoreNVM(data: Uint8Array): Promise<void> {
    const controller = this.context.driver().controller;
    if (controller.inclusionState !== InclusionState.Idle)
      throw new HearthError(
        ErrorCode.RadioBusy,
        `NVM not restored: the Z-Wave controller is ${getEnumMemberName(InclusionState, controller.inclusionState)}; stop inclusion or exclusion first`,
      );
    await controller.restoreNVM(data);
  }
}
