/**
 * A radio's trouble in plain words, naming its stick's path ("Z-Wave stick not found at
 * /dev/ttyZWave — is it plugged in?"): from what the hub said (the `radio_state` error or the
 * health's detail), the serial port config names (health's `serial_port`; a simulated radio has
 * none) and the failure's code (health's `error_code`). Imports nothing, so that node's tests
 * can read it too.
 */

export const RADIO_NAMES: Record<string, string> = { zigbee: 'Zigbee', zwave: 'Z-Wave', gpio: 'GPIO' };

export function radioName(radio: string): string {
  return RADIO_NAMES[radio] ?? radio;
}

export interface RadioTrouble {
  /** What the hub said: `restarting: the serial port … does not exist …`, `circuit breaker open: …`. */
  words: string;
  /** The serial port the radio is configured on; absent for a simulated radio. */
  serialPort?: string;
  /** The coded error of its last failure (SERIAL_PORT_MISSING, SERIAL_PORT_DENIED, …). */
  code?: string;
}

const MISSING = /SERIAL_PORT_MISSING|ENOENT|ENOTDIR|no such file|does not exist|not found|unplug|disconnected/i;
const DENIED = /SERIAL_PORT_DENIED|EACCES|EPERM|permission denied|may not be opened/i;
const BUSY = /EBUSY|resource busy|cannot lock|locked|in use by/i;
const OPEN_FAILED = /failed to open|cannot open|could not open|error opening|open failed|serial port/i;

/** The reason after the last ": " of the hub's words, without the code in brackets (for an open failure of another kind). */
function reasonOf(words: string): string {
  const reason = words.split(': ').pop() ?? words;
  return reason.replace(/\s*\([A-Z_]+\)\s*$/, '').trim();
}

export function plainWarning(radio: string, trouble: RadioTrouble): string {
  const name = radioName(radio);
  const { words, code } = trouble;
  // a path the words name (an older hub's health has no serial_port) serves too; a simulated radio's name is not a path
  const path = trouble.serialPort ?? (/serial port (\/[^\s'"]+)/.exec(words) ?? /(\/dev\/[\w./:-]+)/.exec(words))?.[1];
  const at = path === undefined ? '' : ` at ${path}`;
  const said = `${code ?? ''} ${words}`;
  if (DENIED.test(said))
    return `${name} stick${at} cannot be opened: permission denied. Add the hub's user to the dialout group, then restart the hub.`;
  if (MISSING.test(said)) return `${name} stick not found${at} — is it plugged in?`;
  if (BUSY.test(said)) return `${name} stick${at} is in use by another program: stop that program, and the hub opens it again.`;
  if (/circuit breaker|CIRCUIT_OPEN/i.test(said)) return `${name} is not answering; commands fail at once until it does.`;
  if (/timeout|timed out|hang|did not answer/i.test(said)) return `${name} stick${at} does not answer — try unplugging and plugging it in.`;
  if (OPEN_FAILED.test(said)) return `${name} stick${at} cannot be opened: ${reasonOf(words)}.`;
  return `${name} is not working: ${words}`;
}
