/**
 * The built-in demo profile that `hearth start` runs when no config file exists: every radio
 * simulated, an embedded broker when none answers on localhost (Home Assistant discovery only
 * there, not on a broker that was already running), metrics on, state kept in the
 * user's state directory so that a second run continues where the first stopped, and the web
 * page on loopback.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function demoStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_STATE_HOME !== undefined && env.XDG_STATE_HOME.startsWith('/') ? env.XDG_STATE_HOME : join(homedir(), '.local', 'state');
  return join(base, 'hearth-demo');
}

export function demoProfile(env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  return {
    hubId: 'demo',
    stateDir: demoStateDir(env),
    uplink: { embeddedBroker: 'auto' },
    // a broker that already answers on 1883 may be somebody's Home Assistant's: no demo devices there unless asked
    homeassistant: { publishTo: 'embedded-broker' },
    metrics: { enabled: true },
    // the web page on loopback (127.0.0.1:8099); its access token in the state directory
    web: { enabled: true },
    radios: {
      zigbee: { enabled: true, simulate: true },
      zwave: { enabled: true, simulate: true },
      gpio: {
        enabled: true,
        simulate: true,
        devices: [
          { type: 'relay', pin: 17, name: 'gpio-relay' },
          { type: 'button', pin: 27, activeLow: true, name: 'gpio-button' },
        ],
      },
    },
  };
}
