/** The hub's web page: the login, then the pages (hub, devices, a device, pairing, rooms, rules, network map) over one live picture of the hub. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { describeError, logout, resumeSession, whenSignedOut } from './api';
import { connect, disconnect, useHub } from './live';
import { DevicePage } from './pages/device';
import { DevicesPage } from './pages/devices';
import { HubPage } from './pages/hub';
import { Login } from './pages/login';
import { MapPage } from './pages/map';
import { GroupsPage } from './pages/groups';
import { PairingPage } from './pages/pairing';
import { RoomsPage } from './pages/rooms';
import { RulesPage } from './pages/rules';
import { hrefOf, useRoute, type Route } from './route';

type Phase = 'checking' | 'out' | 'in' | { failed: string };

const NAV: { route: Route; label: string }[] = [
  { route: { page: 'hub' }, label: 'Hub' },
  { route: { page: 'devices' }, label: 'Devices' },
  { route: { page: 'pairing' }, label: 'Pairing' },
  { route: { page: 'rooms' }, label: 'Rooms' },
  { route: { page: 'groups' }, label: 'Groups' },
  { route: { page: 'rules' }, label: 'Rules' },
  { route: { page: 'map' }, label: 'Map' },
];

function App() {
  const [phase, setPhase] = useState<Phase>('checking');
  const hub = useHub();
  const route = useRoute();
  const signIn = (): void => {
    connect(() => setPhase('out')).then(
      () => setPhase('in'),
      (error: unknown) => setPhase({ failed: describeError(error) }),
    );
  };
  useEffect(() => {
    whenSignedOut(() => {
      disconnect();
      setPhase('out');
    });
    resumeSession().then(
      (resumed) => (resumed ? signIn() : setPhase('out')),
      (error: unknown) => setPhase({ failed: describeError(error) }),
    );
  }, []);
  useEffect(() => {
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [route.page, route.id]);
  if (phase === 'checking') return <p class="loading">Connecting to the hub…</p>;
  if (phase === 'out') return <Login onIn={signIn} />;
  if (typeof phase === 'object')
    return (
      <main class="login">
        <h1>hearth</h1>
        <p class="error" role="alert">
          {phase.failed}
        </p>
        <button type="button" onClick={() => location.reload()}>
          Try again
        </button>
      </main>
    );
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header>
        <nav aria-label="Pages">
          <span class="brand">hearth</span>
          {NAV.map((item) => (
            <a
              key={item.label}
              href={hrefOf(item.route)}
              aria-current={
                route.page === item.route.page || (route.page === 'device' && item.route.page === 'devices') ? 'page' : undefined
              }
            >
              {item.label}
            </a>
          ))}
          <span class={`live ${hub.live ? 'on' : 'off'}`} title={hub.live ? 'live updates on' : 'reconnecting'}>
            {hub.live ? 'live' : 'offline'}
          </span>
          <button type="button" class="link" onClick={() => void logout().finally(() => setPhase('out'))}>
            Log out
          </button>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {route.page === 'hub' ? <HubPage hub={hub} /> : null}
        {route.page === 'devices' ? <DevicesPage hub={hub} /> : null}
        {route.page === 'device' ? <DevicePage hub={hub} id={route.id ?? ''} /> : null}
        {route.page === 'pairing' ? <PairingPage hub={hub} /> : null}
        {route.page === 'rooms' ? <RoomsPage hub={hub} /> : null}
        {route.page === 'groups' ? <GroupsPage hub={hub} /> : null}
        {route.page === 'rules' ? <RulesPage hub={hub} /> : null}
        {route.page === 'map' ? <MapPage hub={hub} /> : null}
      </main>
    </>
  );
}

const root = document.getElementById('app');
if (root !== null) render(<App />, root);
