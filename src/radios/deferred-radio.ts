/**
 * A radio whose library is loaded at its first start, not when the hub is built: zwave-js or
 * zigbee-herdsman and its converters take a second or more to load, and the hub publishes what
 * it knows (`bridge/devices`, every state, from the store) before that. The radio is built by
 * its factory (`*-from-config.ts`) on the first start and kept; everything else is passed on to
 * it. Before it is built it has no optional abilities (backup, exclusion, reads, inclusion
 * answers); the hub asks for those only of a running radio.
 */
import { ErrorCode, HearthError } from '../errors.js';
import type { PartHealth } from '../lifecycle/part.js';
import type { RadioKind } from '../model/device-id.js';
import type { DeviceDetails, FaultScope, InclusionAnswer, Radio, RadioGroups, RadioListener, SendOutcome } from './radio.js';
import type { ZigbeeTools } from './zigbee-tools-api.js';
import { zwaveToolsOf, type ZWaveTools } from './zwave-tools.js';

export class DeferredRadio implements Radio {
  private inner: Radio | undefined;
  private loading: Promise<Radio> | undefined;

  constructor(
    readonly kind: RadioKind,
    private readonly build: () => Promise<Radio>,
  ) {}

  /** The radio, built on the first call (a failed build is tried again on the next start). */
  load(): Promise<Radio> {
    this.loading ??= this.build().then(
      (radio) => (this.inner = radio),
      (error: unknown) => {
        this.loading = undefined;
        throw error;
      },
    );
    return this.loading;
  }

  /** The radio once built (a test reaches the concrete radio through it). */
  get current(): Radio | undefined {
    return this.inner;
  }

  private get built(): Radio {
    if (this.inner === undefined) throw new HearthError(ErrorCode.RadioUnavailable, `the ${this.kind} radio has not started yet`);
    return this.inner;
  }

  async start(listener: RadioListener, signal: AbortSignal): Promise<void> {
    await (await this.load()).start(listener, signal);
  }

  async stop(): Promise<void> {
    await this.inner?.stop();
  }

  async send(deviceId: string, payload: Record<string, unknown>): Promise<SendOutcome> {
    return await this.built.send(deviceId, payload);
  }

  async permitJoin(seconds: number, via?: string): Promise<void> {
    return await this.built.permitJoin(seconds, via);
  }

  get exclude(): ((seconds: number) => Promise<void>) | undefined {
    return this.inner?.exclude?.bind(this.inner);
  }

  get read(): ((deviceId: string, keys: readonly string[]) => Promise<void>) | undefined {
    return this.inner?.read?.bind(this.inner);
  }

  get backup(): ((options?: { includeKeys?: boolean }) => Promise<unknown>) | undefined {
    return this.inner?.backup?.bind(this.inner);
  }

  get answerInclusion(): ((answer: InclusionAnswer) => void) | undefined {
    return this.inner?.answerInclusion?.bind(this.inner);
  }

  get announced(): (() => Promise<void>) | undefined {
    return this.inner?.announced?.bind(this.inner);
  }

  get deviceDetails(): ((deviceId: string) => DeviceDetails | undefined) | undefined {
    return this.inner?.deviceDetails?.bind(this.inner);
  }

  get groups(): RadioGroups | undefined {
    return this.inner?.groups;
  }

  get zigbee(): ZigbeeTools | undefined {
    return this.inner?.zigbee;
  }

  /** The Z-Wave radio's tools (src/radios/zwave-tools.ts), once built. */
  get zwaveTools(): ZWaveTools | undefined {
    return this.inner === undefined ? undefined : zwaveToolsOf(this.inner);
  }

  async forget(deviceId: string): Promise<void> {
    return await this.built.forget(deviceId);
  }

  health(): PartHealth {
    return this.inner?.health() ?? { status: 'starting' };
  }

  faultScope(error: unknown): FaultScope {
    return this.inner?.faultScope(error) ?? 'radio';
  }

  async probe(): Promise<void> {
    return await this.built.probe();
  }

  async ping(deviceId: string): Promise<void> {
    return await this.built.ping(deviceId);
  }
}
