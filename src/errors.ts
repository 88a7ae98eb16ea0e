/**
 * Coded errors. Every failure that reaches a user (a log line, an MQTT response, the CLI)
 * carries a stable code, a message and, where there is one, its cause — the seed's
 * errbuilder, modelled on zwave-js's ZWaveError. Later parts add their codes here.
 */

export const ErrorCode = {
  ConfigInvalid: 'CONFIG_INVALID',
  ConfigUnreadable: 'CONFIG_UNREADABLE',
  PartStartFailed: 'PART_START_FAILED',
  PartStopTimeout: 'PART_STOP_TIMEOUT',
  StartAborted: 'START_ABORTED',
  BrokerUnreachable: 'BROKER_UNREACHABLE',
  ActorNotFound: 'ACTOR_NOT_FOUND',
  ActorExists: 'ACTOR_EXISTS',
  ActorStopped: 'ACTOR_STOPPED',
  ActorFailed: 'ACTOR_FAILED',
  ActorEscalated: 'ACTOR_ESCALATED',
  AskTimeout: 'ASK_TIMEOUT',
  AskAborted: 'ASK_ABORTED',
  MailboxFull: 'MAILBOX_FULL',
  MessageDropped: 'MESSAGE_DROPPED',
  SystemStopped: 'ACTOR_SYSTEM_STOPPED',
  StoreClosed: 'STORE_CLOSED',
  StoreWriteFailed: 'STORE_WRITE_FAILED',
  StoreCorrupt: 'STORE_CORRUPT',
  DeviceIdInvalid: 'DEVICE_ID_INVALID',
  CommandInvalid: 'COMMAND_INVALID',
  CommandExpired: 'COMMAND_EXPIRED',
  RoomNotFound: 'ROOM_NOT_FOUND',
  RoomExists: 'ROOM_EXISTS',
  RoomNameInvalid: 'ROOM_NAME_INVALID',
  DeviceNotInRoom: 'DEVICE_NOT_IN_ROOM',
  DeviceInOtherRoom: 'DEVICE_IN_OTHER_ROOM',
  DeviceNotFound: 'DEVICE_NOT_FOUND',
  DeviceNameInvalid: 'DEVICE_NAME_INVALID',
  DeviceNameTaken: 'DEVICE_NAME_TAKEN',
  TopicInvalid: 'TOPIC_INVALID',
  RadioUnavailable: 'RADIO_UNAVAILABLE',
  RadioCommandFailed: 'RADIO_COMMAND_FAILED',
  DeviceAsleepQueued: 'DEVICE_ASLEEP_QUEUED',
  DeviceNotReady: 'DEVICE_NOT_READY',
  DeviceUnreachable: 'DEVICE_UNREACHABLE',
  CircuitOpen: 'CIRCUIT_OPEN',
  RadioBusy: 'RADIO_BUSY',
  DeviceLimit: 'DEVICE_LIMIT',
  ConfigParameterNotFound: 'CONFIG_PARAMETER_NOT_FOUND',
  ConfigValueOutOfRange: 'CONFIG_VALUE_OUT_OF_RANGE',
  AssociationInvalid: 'ASSOCIATION_INVALID',
  FirmwareFileInvalid: 'FIRMWARE_FILE_INVALID',
  FirmwareTooLarge: 'FIRMWARE_TOO_LARGE',
  FirmwareUpdateFailed: 'FIRMWARE_UPDATE_FAILED',
  FirmwareServiceDisabled: 'FIRMWARE_SERVICE_DISABLED',
  Timeout: 'TIMEOUT',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  PayloadInvalid: 'PAYLOAD_INVALID',
  UnknownCommand: 'UNKNOWN_COMMAND',
  RequestFailed: 'REQUEST_FAILED',
  NotifyUnavailable: 'NOTIFY_UNAVAILABLE',
  GpioSysfsMissing: 'GPIO_SYSFS_MISSING',
  GpioPermissionDenied: 'GPIO_PERMISSION_DENIED',
  GpioPinBusy: 'GPIO_PIN_BUSY',
  GpioPinDuplicate: 'GPIO_PIN_DUPLICATE',
  GpioPinUnsafe: 'GPIO_PIN_UNSAFE',
  GpioBoardUnknown: 'GPIO_BOARD_UNKNOWN',
  GpioChipNotFound: 'GPIO_CHIP_NOT_FOUND',
  GpioIoFailed: 'GPIO_IO_FAILED',
  SerialPortMissing: 'SERIAL_PORT_MISSING',
  SerialPortDenied: 'SERIAL_PORT_DENIED',
  BrokerAuthRefused: 'BROKER_AUTH_REFUSED',
  RoomAmbiguous: 'ROOM_AMBIGUOUS',
  RuleInvalid: 'RULE_INVALID',
  RuleNotFound: 'RULE_NOT_FOUND',
  RuleExists: 'RULE_EXISTS',
  RuleReadOnly: 'RULE_READ_ONLY',
  RuleSuspended: 'RULE_SUSPENDED',
  RuleActionFailed: 'RULE_ACTION_FAILED',
  GroupNotFound: 'GROUP_NOT_FOUND',
  GroupExists: 'GROUP_EXISTS',
  GroupNameInvalid: 'GROUP_NAME_INVALID',
  GroupLimit: 'GROUP_LIMIT',
  GroupMemberFailed: 'GROUP_MEMBER_FAILED',
  WebLoginRequired: 'WEB_LOGIN_REQUIRED',
  WebTokenInvalid: 'WEB_TOKEN_INVALID',
  WebLoginLimited: 'WEB_LOGIN_LIMITED',
  WebCsrfInvalid: 'WEB_CSRF_INVALID',
  WebOriginRefused: 'WEB_ORIGIN_REFUSED',
  WebHostRefused: 'WEB_HOST_REFUSED',
  WebNotFound: 'WEB_NOT_FOUND',
  WebMethodNotAllowed: 'WEB_METHOD_NOT_ALLOWED',
  WebMediaTypeInvalid: 'WEB_MEDIA_TYPE_INVALID',
  WebTooManyStreams: 'WEB_TOO_MANY_STREAMS',
  WebNotReady: 'WEB_NOT_READY',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class HearthError extends Error {
  override readonly name = 'HearthError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** The shape used in logs and in MQTT error responses. */
  toJSON(): { code: ErrorCode; message: string; cause?: string } {
    const cause = this.cause === undefined ? undefined : describeError(this.cause);
    return cause === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, cause };
  }
}

export function isHearthError(error: unknown, code?: ErrorCode): error is HearthError {
  return error instanceof HearthError && (code === undefined || error.code === code);
}

/** One line for any thrown value: its message, and its code when it has one. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
