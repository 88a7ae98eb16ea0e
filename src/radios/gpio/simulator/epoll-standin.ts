/**
 * The stand-in for onoff's `epoll` native module inside a GPIO simulation. The kernel raises
 * EPOLLPRI on a line's `value` file when an edge it was asked for (`edge`) occurs; epoll cannot
 * watch a regular file on tmpfs, so this class watches the file with inotify (fs.watch)
 * instead: every write the simulated kernel makes to `value` is an interrupt, delivered when
 * `edge` is not `none`, with epoll's callback signature. onoff's own code runs unchanged.
 *
 * `installEpollStandIn` hands it to onoff through Node's CommonJS module cache: an entry for
 * the path onoff's `require('epoll')` resolves to, made before onoff is first loaded (Node's
 * documented `require.cache`; no loader hook, no change to onoff). The GPIO radio calls it only
 * when it finds itself inside a simulation's namespace (namespace.ts's marker).
 */
import { readFileSync, readlinkSync, watch, type FSWatcher } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

type Callback = (error: Error | null, fd: number, events: number) => void;

export class EpollStandIn {
  static readonly EPOLLIN = 0x1;
  static readonly EPOLLPRI = 0x2;
  static readonly EPOLLOUT = 0x4;
  static readonly EPOLLERR = 0x8;
  static readonly EPOLLHUP = 0x10;
  static readonly EPOLLET = 0x80000000;
  static readonly EPOLLONESHOT = 0x40000000;

  private readonly watched = new Map<number, FSWatcher>();

  constructor(private readonly callback: Callback) {}

  add(fd: number, events: number): this {
    if (this.watched.has(fd)) throw Object.assign(new Error('EEXIST, File exists'), { code: 'EEXIST' });
    const path = readlinkSync(`/proc/self/fd/${fd}`);
    const edgeFile = join(dirname(path), 'edge');
    const watcher = watch(path, (event) => {
      if (event !== 'change') return;
      let edge = 'none';
      try {
        edge = readFileSync(edgeFile, 'utf8').trim();
      } catch {
        return; // unexported meanwhile
      }
      if (edge !== 'none') this.callback(null, fd, events);
    });
    watcher.on('error', () => this.remove(fd));
    this.watched.set(fd, watcher);
    return this;
  }

  modify(_fd: number, _events: number): this {
    return this;
  }

  remove(fd: number): this {
    this.watched.get(fd)?.close();
    this.watched.delete(fd);
    return this;
  }

  close(): void {
    for (const fd of [...this.watched.keys()]) this.remove(fd);
  }
}

/** Makes onoff's `require('epoll')` return the stand-in; a no-op when it already does. */
export function installEpollStandIn(): void {
  const require = createRequire(import.meta.url);
  const epollPath = createRequire(require.resolve('onoff')).resolve('epoll');
  const cached = require.cache[epollPath];
  if (cached !== undefined) {
    if ((cached.exports as { Epoll?: unknown }).Epoll !== EpollStandIn)
      throw new Error('onoff was loaded with the real epoll before the simulation could give it the stand-in');
    return;
  }
  const Module = require('node:module') as new (id: string) => NodeJS.Module;
  const entry = new Module(epollPath);
  entry.filename = epollPath;
  entry.loaded = true;
  entry.exports = { Epoll: EpollStandIn };
  require.cache[epollPath] = entry;
}
