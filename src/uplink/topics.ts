/**
 * The topic layout of the MQTT contract (Zigbee2MQTT's, under `hearth/<hubId>`): what the hub
 * publishes (device state, availability, bridge documents and responses) and how an incoming
 * topic is understood (`<device>/set`, `<device>/set/<attribute>`, `<device>/get`,
 * `bridge/request/<command>`). A friendly name may contain `/`, so a device is whatever comes
 * before the last `/set` or `/get`.
 */

export type IncomingTopic =
  | { kind: 'set'; device: string; attribute?: string }
  | { kind: 'get'; device: string }
  | { kind: 'request'; command: string }
  | { kind: 'ignored' };

export function parseIncomingTopic(base: string, topic: string): IncomingTopic {
  const prefix = `${base}/`;
  if (!topic.startsWith(prefix)) return { kind: 'ignored' };
  const rest = topic.slice(prefix.length);
  if (rest.startsWith('bridge/request/')) {
    const command = rest.slice('bridge/request/'.length);
    return command.length > 0 ? { kind: 'request', command } : { kind: 'ignored' };
  }
  if (rest.startsWith('bridge/')) return { kind: 'ignored' };
  if (rest.endsWith('/set')) return rest.length > 4 ? { kind: 'set', device: rest.slice(0, -4) } : { kind: 'ignored' };
  if (rest.endsWith('/get')) return rest.length > 4 ? { kind: 'get', device: rest.slice(0, -4) } : { kind: 'ignored' };
  const at = rest.lastIndexOf('/set/');
  if (at > 0) {
    const attribute = rest.slice(at + 5);
    if (attribute.length > 0 && !attribute.includes('/')) return { kind: 'set', device: rest.slice(0, at), attribute };
  }
  return { kind: 'ignored' };
}

export class Topics {
  constructor(readonly base: string) {}

  device(name: string): string {
    return `${this.base}/${name}`;
  }

  availability(name: string): string {
    return `${this.base}/${name}/availability`;
  }

  bridge(what: 'state' | 'info' | 'devices' | 'groups' | 'rooms' | 'rules' | 'event' | 'health' | 'sync'): string {
    return `${this.base}/bridge/${what}`;
  }

  response(command: string): string {
    return `${this.base}/bridge/response/${command}`;
  }

  /** Everything under the base: commands arrive anywhere below it. */
  get subscription(): string {
    return `${this.base}/#`;
  }
}
