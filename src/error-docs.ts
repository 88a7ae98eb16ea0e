/**
 * What each error code means and what to do about it: the reference in docs/errors.md
 * (`npm run docs`, `hearth errors`), generated from here. A code without an entry does not
 * compile, so the reference cannot fall behind errors.ts.
 */
import { ErrorCode } from './errors.js';

export const ERROR_DOCS: Record<ErrorCode, string> = {
  [ErrorCode.ConfigInvalid]:
    'The config file (or a HEARTH_… variable) has values that do not fit the schema; every problem is listed with its path. Exit code 78.',
  [ErrorCode.ConfigUnreadable]: 'The config file cannot be read or is not YAML.',
  [ErrorCode.PartStartFailed]: 'A part of the hub failed to start; the cause names it.',
  [ErrorCode.PartStopTimeout]: 'A part did not stop within shutdown.timeoutMs; the process exits non-zero and names it.',
  [ErrorCode.StartAborted]: 'A stop request (SIGTERM, SIGINT) came while the hub was starting.',
  [ErrorCode.BrokerUnreachable]:
    'The MQTT broker cannot be reached (doctor, start-up wait); the hub runs on and keeps its messages in the outbox.',
  [ErrorCode.ActorNotFound]: 'A message for a device actor that is not registered.',
  [ErrorCode.ActorExists]: 'An actor was registered twice under one id.',
  [ErrorCode.ActorStopped]: 'A message for an actor that is stopping or stopped.',
  [ErrorCode.ActorFailed]: 'A device actor failed while handling the message; it is restarted by its supervisor.',
  [ErrorCode.ActorEscalated]: 'A device actor failed more often than its restart budget allows; it starts fresh on its next message.',
  [ErrorCode.AskTimeout]:
    "A request to a device actor got no answer in time (actors.askTimeoutMs; for commands, twice the radio's commandTimeoutMs).",
  [ErrorCode.AskAborted]: 'The request was cancelled by its sender.',
  [ErrorCode.MailboxFull]: 'A device actor has actors.mailboxCapacity messages waiting; the message was refused.',
  [ErrorCode.MessageDropped]: 'A message was dropped (its actor was removed).',
  [ErrorCode.SystemStopped]: 'The actor system is stopping: the hub is shutting down.',
  [ErrorCode.StoreClosed]: 'A write to the store after it closed (the hub is shutting down).',
  [ErrorCode.StoreWriteFailed]: 'Writing state to disk failed (disk full, read-only file system, failing SD card); the cause says which.',
  [ErrorCode.StoreCorrupt]:
    'A store document (a registry shard, rooms, settings, the snapshot meta) and its good copy beside it (.prev) are both corrupt; the message names the file. Restore it, or move it aside to start that part empty. (One damaged copy is not an error: the hub starts from the other and reports it.)',
  [ErrorCode.DeviceIdInvalid]: 'A device id that does not have the form <radio>:<address>.',
  [ErrorCode.CommandInvalid]:
    'A command the device cannot take: an unknown attribute, a value out of range, a read-only attribute. Nothing was sent.',
  [ErrorCode.CommandExpired]:
    'A command older than uplink.commandMaxAgeS (queued by the broker while the hub was away, a retained /set, or one that waited for a sleeping Z-Wave node to wake up); not carried out.',
  [ErrorCode.RoomNotFound]: 'No room with that id or name.',
  [ErrorCode.RoomExists]: 'A room with that name already exists.',
  [ErrorCode.RoomNameInvalid]:
    'A room name the name rule refuses (README "Names"): empty or over 64 characters, a character MQTT forbids (U+0000-001F, U+007F-009F, U+FDD0-FDEF, U+xFFFE/xFFFF, a lone surrogate), # or +, an empty segment; or a room id not of a-z 0-9 _ -. The message says what is wrong and where.',
  [ErrorCode.DeviceNotInRoom]: 'The device is not in that room.',
  [ErrorCode.DeviceInOtherRoom]: 'The device already belongs to another room; remove it there first.',
  [ErrorCode.DeviceNotFound]:
    'No device with that friendly name or id. In a command_failed event: the device a queued command waited for left the network (excluded, removed, or gone from the controller at start), so the command was dropped.',
  [ErrorCode.DeviceNameInvalid]:
    'A friendly name the name rule refuses (README "Names"): empty or over 128 characters, a character MQTT forbids (U+0000-001F, U+007F-009F, U+FDD0-FDEF, U+xFFFE/xFFFF, a lone surrogate), # or +, an empty segment (leading, trailing or double /), a last segment of digits; or a reserved name: bridge and anything under it, a segment set or get, a last segment availability, a name shaped like a device id. The message says what is wrong and where. A name a device carries itself (a Z-Wave node\'s name) that the rule refuses is not used: the device keeps its id as its name.',
  [ErrorCode.DeviceNameTaken]: 'Another device already has that friendly name (names are compared case-insensitively).',
  [ErrorCode.TopicInvalid]:
    "A message the hub would publish has a topic MQTT forbids (a character of the name rule's list, a wildcard, over 65,535 bytes): it is not published (the broker would drop the connection), logged, and counted in hearth_uplink_invalid_topics_total.",
  [ErrorCode.RadioUnavailable]:
    "The device's radio is not running (its stick is missing, or it is restarting after a failure); commands fail at once until it runs again.",
  [ErrorCode.RadioCommandFailed]:
    "The radio could not carry out the command (the device did not acknowledge, or refused it); the message gives the radio's reason. Counts against the device's breaker when the device is at fault.",
  [ErrorCode.DeviceAsleepQueued]:
    'Not a failure: the device sleeps, and its radio carries the command out when it wakes up (bridge/event command_queued).',
  [ErrorCode.DeviceNotReady]: 'The device is still being interviewed by its radio; try again when it is ready.',
  [ErrorCode.DeviceUnreachable]: 'The device did not answer a ping.',
  [ErrorCode.CircuitOpen]:
    "A circuit breaker is open: the radio's (after radios.breakers.<radio>.threshold radio faults in a row) or the device's (after deviceThreshold failed commands in a row). Commands fail at once until a probe finds it answering again; bridge/event breaker_state tells when.",
  [ErrorCode.RadioBusy]: "The radio's bulkhead is full (maxConcurrent commands in flight, maxQueued waiting); try again later.",
  [ErrorCode.DeviceLimit]:
    "permit_join refused: the radio's network holds radios.<radio>.maxDevices devices already (Z-Wave; a Zigbee device past its cap is refused as it joins, bridge/event device_refused). Remove a device or raise the limit.",
  [ErrorCode.ConfigParameterNotFound]:
    'bridge/request/zwave/config/get|set named a configuration parameter (by number, label or state key) the Z-Wave device does not have, or a partial parameter without its bitmask; the message lists the parameters it has.',
  [ErrorCode.ConfigValueOutOfRange]:
    "bridge/request/zwave/config/set: the value is outside the parameter's range or not one of its named values (the message names what it allows), or the parameter is read-only. Nothing was sent to the device.",
  [ErrorCode.AssociationInvalid]:
    'bridge/request/zwave/associations/add|remove: the group does not exist on the device, it holds fewer nodes than asked, or the target is not allowed there (zwave-js checks security classes and endpoints).',
  [ErrorCode.FirmwareFileInvalid]:
    'bridge/request/zwave/firmware_update: the file is not under radios.zwave.firmware.folder (a path that leaves it, also through a symbolic link, is refused), does not exist or is not a regular file, or is not a firmware image zwave-js can read (.hex, .ota, .otz, .hec, .gbl, .bin, an Aeotec .exe; unpack a .zip first); the message says which. Nothing was sent to the device.',
  [ErrorCode.FirmwareTooLarge]:
    'bridge/request/zwave/firmware_update: the firmware file or base64 image is larger than radios.zwave.firmware.maxBytes. Nothing was sent to the device.',
  [ErrorCode.FirmwareUpdateFailed]:
    "A Z-Wave firmware update did not complete: the device refused it, stopped asking for fragments (out of range: zwave-js gives up after 2 minutes, status Error_Timeout) or found the image corrupt; the message gives zwave-js's status and how far it got. The device keeps its old firmware and its `update` state is idle again.",
  [ErrorCode.FirmwareServiceDisabled]:
    "bridge/request/zwave/firmware_update/check, or an update by version: zwave-js's online firmware update service is not enabled (radios.zwave.firmware.service.enabled), as on a hub without internet. Update from a file instead.",
  [ErrorCode.Timeout]: 'The radio did not answer within radios.breakers.<radio>.commandTimeoutMs; counts as a radio fault.',
  [ErrorCode.PayloadTooLarge]: 'An MQTT command or request larger than uplink.maxPayloadBytes.',
  [ErrorCode.PayloadInvalid]:
    'An MQTT payload that is not valid JSON, not the shape the request takes, nested deeper than 16 levels or with more than 1,000 keys and list items.',
  [ErrorCode.UnknownCommand]: 'A bridge/request/<command> the hub does not know.',
  [ErrorCode.NotifyUnavailable]:
    'NOTIFY_SOCKET is set (the hub runs under systemd with Type=notify) but the notification cannot be sent (an abstract socket, or the unix-dgram module is not built); the hub stops at start rather than being killed at the start timeout.',
  [ErrorCode.GpioSysfsMissing]:
    "There is no /sys/class/gpio: not a Raspberry Pi, or a kernel built without sysfs GPIO. Use a Raspberry Pi OS kernel (or libgpiod's tools for /dev/gpiochipN).",
  [ErrorCode.GpioPermissionDenied]:
    'The hub may not write /sys/class/gpio/export: add its user to the gpio group (the unit has SupplementaryGroups=gpio).',
  [ErrorCode.GpioPinBusy]: 'A GPIO line is exported by another program or held by a kernel driver (a dtoverlay): free it there.',
  [ErrorCode.GpioPinDuplicate]:
    'Two devices in radios.gpio.devices use the same line (by BCM number or header position). A config error: hearth config check lists it.',
  [ErrorCode.GpioPinUnsafe]:
    'A line the board profile refuses (GPIO0/1, the HAT EEPROM; a power or ground pin; a line off the header). A config error.',
  [ErrorCode.GpioBoardUnknown]:
    'radios.gpio.board is auto and the board cannot be told from /proc/device-tree/model: set it to one of the profiles in hardware/gpio.',
  [ErrorCode.GpioChipNotFound]:
    "No sysfs gpiochip carries the board profile's label, or the kernel refused a line number: the GPIO numbering is not what the profile says.",
  [ErrorCode.GpioIoFailed]: 'Reading or writing a GPIO value file failed (EIO): counts as a radio fault.',
  [ErrorCode.SerialPortMissing]:
    "A radio's serial port (radios.<radio>.serialPort) does not exist: the stick is not plugged in, or the path is not its name. `ls -l /dev/serial/by-id/` lists the sticks by their stable names; the radio is retried with backoff meanwhile.",
  [ErrorCode.SerialPortDenied]:
    "The hub may not open a radio's serial port: add its user to the dialout group (usermod -aG dialout USER), then log in again.",
  [ErrorCode.BrokerAuthRefused]:
    'The broker refused the user name or password (CONNACK not authorized / bad user name or password): check uplink.username and uplink.password against the broker. The hub keeps retrying and says so again every few minutes.',
  [ErrorCode.RoomAmbiguous]:
    "A room named in a request matches one room's id and another room's name: name it by the other room's id, or rename one of them.",
  [ErrorCode.RuleInvalid]:
    'A local rule is malformed, or names a device that does not exist or an attribute the device does not have; the message gives the path (rules.2.trigger.device) of each problem. A rule from the config with such a problem stays inactive until the device exists.',
  [ErrorCode.RuleNotFound]: 'No local rule has that id (bridge/rules lists them).',
  [ErrorCode.RuleExists]: 'rule/add named an id another rule already has: update that rule, or pick another id.',
  [ErrorCode.RuleReadOnly]:
    'The rule comes from the config file: change or remove it there (over MQTT it can only be enabled or disabled).',
  [ErrorCode.RuleSuspended]:
    'A rule fired more often than ruleSettings.maxFiringsPerS in one second (it triggers itself, or two rules trigger each other) and was suspended; rule/enable starts it again.',
  [ErrorCode.RuleActionFailed]:
    "A rule's action failed without a code of its own (a rule_failed event carries it); the rule keeps running.",
  [ErrorCode.GroupNotFound]: 'No group has that friendly name or id (bridge/groups lists them).',
  [ErrorCode.GroupExists]: 'A group (or a device) already has that id or friendly name: groups and devices share the topic space.',
  [ErrorCode.GroupNameInvalid]:
    'A group name the name rule of devices refuses (README "Names"), or a name of digits alone (it would read as a group id). The message says what is wrong and where.',
  [ErrorCode.GroupLimit]: 'Over the bound on groups (1024) or on members of one group (256).',
  [ErrorCode.GroupMemberFailed]:
    'A command to a group reached some members but not others (or a member could not join or leave the group on its radio); the answer lists each failed member with its own code.',
  [ErrorCode.WebLoginRequired]:
    'A web API request without a valid session (no session cookie, or one that expired or was logged out): log in again with POST /api/login (HTTP 401).',
  [ErrorCode.WebTokenInvalid]:
    'A web login with a wrong access token (HTTP 401). The token is in web.tokenFile (<stateDir>/web-token); `hearth doctor`, run as the service user, shows it.',
  [ErrorCode.WebLoginLimited]:
    'Too many failed web logins from one address within web.login.windowS (HTTP 429); the Retry-After header says when to try again.',
  [ErrorCode.WebCsrfInvalid]:
    'A state-changing web API request without the X-CSRF-Token header of its session, or with another one (HTTP 403); GET /api/session gives it.',
  [ErrorCode.WebOriginRefused]:
    "A state-changing web API request whose Origin (or Referer) is not the page's own, or that has neither (HTTP 403): another site cannot act on the hub.",
  [ErrorCode.WebHostRefused]:
    'A web request whose Host header is not an address of the hub, localhost, its host name or a name in web.allowedHosts (HTTP 403; a guard against DNS rebinding).',
  [ErrorCode.WebNotFound]: 'No web API path, device or file of that name (HTTP 404).',
  [ErrorCode.WebMethodNotAllowed]: 'The web API path exists but not for that HTTP method (HTTP 405; the Allow header lists the methods).',
  [ErrorCode.WebMediaTypeInvalid]: 'A web API request body that is not sent as Content-Type: application/json (HTTP 415).',
  [ErrorCode.WebTooManyStreams]: 'More open event streams (/api/events) than web.maxStreams (HTTP 503); close a page or raise the limit.',
  [ErrorCode.WebNotReady]: 'A web API request that needs the uplink before it has started, or while the hub stops (HTTP 503).',
  [ErrorCode.RequestFailed]: 'A bridge request failed for a reason without a code of its own; the message says why.',
};

/** docs/errors.md */
export function errorsMarkdown(): string {
  const rows = Object.values(ErrorCode).map((code) => `| \`${code}\` | ${ERROR_DOCS[code]} |`);
  return [
    '# Error codes',
    '',
    '<!-- Generated from src/error-docs.ts by `npm run docs`; do not edit by hand. -->',
    '',
    'Every failure that reaches a user carries one of these codes, with a message for people and,',
    'where there is one, its cause: in the log line (`error.code`), in the MQTT error answer',
    '(`bridge/event` `command_failed`, `bridge/response/…` `{"status":"error","error":{"code":…}}`),',
    'and as the `code` label of `hearth_command_failures_total` on /metrics. Codes are stable:',
    'a code is never reused for another meaning. In code they are `ErrorCode` in src/errors.ts,',
    "thrown as `HearthError` (the hub's one error type).",
    '',
    '| code | meaning |',
    '| --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
