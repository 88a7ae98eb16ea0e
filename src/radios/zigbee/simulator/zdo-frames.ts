/**
 * ZDO responses as bytes on the air, for the simulated network: each is written in the ZDO
 * wire format (transaction sequence number, status, payload, little-endian) and read back by
 * herdsman's own ZDO parser (`Zdo.Buffalo.readResponse`), so herdsman gets exactly what a real
 * adapter would hand it, and a frame the simulator got wrong fails in herdsman's parser.
 * (herdsman has a ZDO request writer but no response writer: these few are written here.)
 */
import { Zdo } from 'zigbee-herdsman';

export interface NodeDescriptor {
  nwkAddress: number;
  /** 0 coordinator, 1 router, 2 end device. */
  logicalType: number;
  manufacturerCode: number;
}

export interface SimpleDescriptor {
  nwkAddress: number;
  endpoint: number;
  profileId: number;
  deviceId: number;
  inClusters: number[];
  outClusters: number[];
}

/** Writes little-endian fields into a growing buffer. */
export class Writer {
  private readonly bytes: number[] = [];

  u8(value: number): this {
    this.bytes.push(value & 0xff);
    return this;
  }

  u16(value: number): this {
    return this.u8(value).u8(value >> 8);
  }

  ieee(address: string): this {
    // 0x00158d0000000001: the most significant byte first in text, last on the air
    const hex = address.replace(/^0x/, '');
    for (let i = hex.length - 2; i >= 0; i -= 2) this.u8(parseInt(hex.slice(i, i + 2), 16));
    return this;
  }

  get buffer(): Buffer {
    return Buffer.from(this.bytes);
  }
}

/** MAC capability flags of a router (mains, receiver always on) or a sleepy end device. */
function macCapabilities(router: boolean): number {
  return router ? 0x02 | 0x04 | 0x08 | 0x80 : 0x80;
}

export function parse(requestCluster: Zdo.ClusterId, frame: Writer): unknown {
  const responseCluster = Zdo.Utils.getResponseClusterId(requestCluster);
  if (responseCluster === undefined) throw new Error(`no ZDO response to ${Zdo.ClusterId[requestCluster]}`);
  return Zdo.Buffalo.readResponse(true, responseCluster, frame.buffer);
}

/** The response to a ZDO request: written as bytes, parsed by herdsman. */
export const zdoResponse = {
  nodeDescriptor(tsn: number, node: NodeDescriptor): unknown {
    const coordinator = node.logicalType === 0;
    const frame = new Writer()
      .u8(tsn)
      .u8(Zdo.Status.SUCCESS)
      .u16(node.nwkAddress)
      .u8(node.logicalType)
      .u8(8 << 3) // APS flags 0, frequency band: 2.4 GHz
      .u8(macCapabilities(node.logicalType !== 2))
      .u16(node.manufacturerCode)
      .u8(82) // max buffer size
      .u16(82) // max incoming transfer size
      .u16((coordinator ? 0x41 : 0) | (22 << 9)) // server mask: trust centre and network manager for the coordinator; revision 22
      .u16(82) // max outgoing transfer size
      .u8(0); // descriptor capabilities
    return parse(Zdo.ClusterId.NODE_DESCRIPTOR_REQUEST, frame);
  },

  activeEndpoints(tsn: number, nwkAddress: number, endpoints: number[]): unknown {
    const frame = new Writer().u8(tsn).u8(Zdo.Status.SUCCESS).u16(nwkAddress).u8(endpoints.length);
    for (const endpoint of endpoints) frame.u8(endpoint);
    return parse(Zdo.ClusterId.ACTIVE_ENDPOINTS_REQUEST, frame);
  },

  simpleDescriptor(tsn: number, descriptor: SimpleDescriptor | undefined): unknown {
    const frame = new Writer().u8(tsn);
    if (descriptor === undefined) return parse(Zdo.ClusterId.SIMPLE_DESCRIPTOR_REQUEST, frame.u8(Zdo.Status.NOT_ACTIVE));
    const length = 8 + 2 * (descriptor.inClusters.length + descriptor.outClusters.length);
    frame
      .u8(Zdo.Status.SUCCESS)
      .u16(descriptor.nwkAddress)
      .u8(length)
      .u8(descriptor.endpoint)
      .u16(descriptor.profileId)
      .u16(descriptor.deviceId)
      .u8(1)
      .u8(descriptor.inClusters.length);
    for (const cluster of descriptor.inClusters) frame.u16(cluster);
    frame.u8(descriptor.outClusters.length);
    for (const cluster of descriptor.outClusters) frame.u16(cluster);
    return parse(Zdo.ClusterId.SIMPLE_DESCRIPTOR_REQUEST, frame);
  },

  address(
    requestCluster: Zdo.ClusterId.IEEE_ADDRESS_REQUEST | Zdo.ClusterId.NETWORK_ADDRESS_REQUEST,
    tsn: number,
    ieee: string,
    nwkAddress: number,
  ): unknown {
    return parse(requestCluster, new Writer().u8(tsn).u8(Zdo.Status.SUCCESS).ieee(ieee).u16(nwkAddress));
  },

  /** Bind, unbind, leave, permit joining and the like: a status and nothing more. */
  status(requestCluster: Zdo.ClusterId, tsn: number, status = Zdo.Status.SUCCESS): unknown {
    return parse(requestCluster, new Writer().u8(tsn).u8(status));
  },

  /** A device's announce (it has no status: it is not a response). */
  announce(ieee: string, nwkAddress: number, router: boolean): unknown {
    return Zdo.Buffalo.readResponse(
      true,
      Zdo.ClusterId.END_DEVICE_ANNOUNCE,
      new Writer().u8(0).u16(nwkAddress).ieee(ieee).u8(macCapabilities(router)).buffer,
    );
  },
};

/** The request's transaction sequence number (herdsman's requests carry it first). */
export function zdoTsn(payload: Buffer): number {
  return payload[0] ?? 0;
}
