/** The page's address: a hash route (#/devices, #/device/<id>, …), so the hub serves one index.html for every page. */
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  page: 'hub' | 'devices' | 'device' | 'pairing' | 'rooms' | 'groups' | 'rules' | 'map';
  id?: string;
}

export function parseRoute(hash: string): Route {
  const [, page = 'hub', id] = /^#?\/?([a-z]*)\/?(.*)$/.exec(hash) ?? [];
  switch (page) {
    case 'devices':
    case 'pairing':
    case 'rooms':
    case 'groups':
    case 'rules':
    case 'map':
      return { page };
    case 'device':
      return id === undefined || id === '' ? { page: 'devices' } : { page, id: decodeURIComponent(id) };
    default:
      return { page: 'hub' };
  }
}

export function hrefOf(route: Route): string {
  return route.page === 'device' ? `#/device/${encodeURIComponent(route.id ?? '')}` : `#/${route.page}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const changed = (): void => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}
