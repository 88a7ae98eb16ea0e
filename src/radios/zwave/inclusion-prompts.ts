/**
 * The questions zwave-js asks during a secure (S2) inclusion, put to the user over MQTT: which
 * of the security classes the device requests to grant (`bridge/event` `zwave_grant_security`,
 * answered by `bridge/request/zwave/grant_security`), and the device's DSK to confirm with the
 * 5-digit PIN printed on it (`bridge/event` `zwave_validate_dsk`, answered by
 * `bridge/request/zwave/validate_dsk`). These are zwave-js's `inclusionUserCallbacks`. An
 * unanswered question is declined after `answerTimeoutMs` (zwave-js's own bootstrapping
 * timeout is 240 s), and zwave-js's abort is passed on as `zwave_inclusion_aborted`.
 */
import { SecurityClass } from '@zwave-js/core';
import type { InclusionGrant, InclusionUserCallbacks } from 'zwave-js';
import { ErrorCode, HearthError } from '../../errors.js';
import type { RadioListener, SecurityClassName } from '../radio.js';

export type { SecurityClassName } from '../radio.js';

export interface GrantAnswer {
  /** The classes granted: a subset of those requested; empty or absent declines. */
  securityClasses: SecurityClassName[];
  clientSideAuth?: boolean;
}

type Pending<T> = { resolve: (value: T | false) => void; timer: NodeJS.Timeout };

export class InclusionPrompts implements InclusionUserCallbacks {
  private grant: (Pending<InclusionGrant> & { requested: InclusionGrant }) | undefined;
  private dsk: Pending<string> | undefined;

  constructor(
    /** Publishes a `bridge/event`. */
    private readonly event: RadioListener['event'],
    private readonly answerTimeoutMs = 230_000,
  ) {}

  grantSecurityClasses(requested: InclusionGrant): Promise<InclusionGrant | false> {
    this.settleGrant(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settleGrant(false), this.answerTimeoutMs);
      timer.unref();
      this.grant = { resolve, timer, requested };
      this.event('zwave_grant_security', {
        radio: 'zwave',
        requested_classes: requested.securityClasses.map((value) => SecurityClass[value]),
        client_side_auth: requested.clientSideAuth,
        answer_with: 'bridge/request/zwave/grant_security {"securityClasses":[…],"clientSideAuth":…}',
      });
    });
  }

  validateDSKAndEnterPIN(dsk: string): Promise<string | false> {
    this.settleDsk(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settleDsk(false), this.answerTimeoutMs);
      timer.unref();
      this.dsk = { resolve, timer };
      this.event('zwave_validate_dsk', {
        radio: 'zwave',
        dsk,
        answer_with: 'bridge/request/zwave/validate_dsk {"pin":"12345"} with the first 5 digits of the DSK on the device',
      });
    });
  }

  abort(): void {
    this.settleGrant(false);
    this.settleDsk(false);
    this.event('zwave_inclusion_aborted', { radio: 'zwave' });
  }

  /** The user's answer to `zwave_grant_security`. */
  answerGrant(answer: GrantAnswer): void {
    const pending = this.grant;
    if (pending === undefined)
      throw new HearthError(ErrorCode.RequestFailed, 'no Z-Wave inclusion is waiting for security classes to be granted');
    const requested = new Set(pending.requested.securityClasses);
    const granted = answer.securityClasses.map((name) => SecurityClass[name]);
    const extra = granted.filter((value) => !requested.has(value));
    if (extra.length > 0)
      throw new HearthError(
        ErrorCode.PayloadInvalid,
        `securityClasses: the device did not request ${extra.map((value) => SecurityClass[value]).join(', ')}`,
      );
    this.settleGrant(granted.length === 0 ? false : { securityClasses: granted, clientSideAuth: answer.clientSideAuth ?? false });
  }

  /** The user's PIN for `zwave_validate_dsk` (undefined: the DSK does not match, decline). */
  answerDsk(pin: string | undefined): void {
    if (this.dsk === undefined) throw new HearthError(ErrorCode.RequestFailed, 'no Z-Wave inclusion is waiting for a DSK to be confirmed');
    if (pin !== undefined && !/^\d{5}$/.test(pin))
      throw new HearthError(ErrorCode.PayloadInvalid, `pin: expected the 5 digits printed on the device, got ${JSON.stringify(pin)}`);
    this.settleDsk(pin ?? false);
  }

  private settleGrant(value: InclusionGrant | false): void {
    const pending = this.grant;
    this.grant = undefined;
    if (pending === undefined) return;
    clearTimeout(pending.timer);
    pending.resolve(value);
  }

  private settleDsk(value: string | false): void {
    const pending = this.dsk;
    this.dsk = undefined;
    if (pending === undefined) return;
    clearTimeout(pending.timer);
    pending.resolve(value);
  }

  /** Declines whatever is pending (the radio stops). */
  close(): void {
    this.settleGrant(false);
    this.settleDsk(false);
  }
}
