/** The part of unix-dgram's API that hearth uses (the package ships no types). */
declare module 'unix-dgram' {
  import type { EventEmitter } from 'node:events';

  export interface UnixDgramSocket extends EventEmitter {
    bind(path: string): void;
    connect(path: string): void;
    send(buffer: Buffer, offset: number, length: number, path: string, callback?: (error?: Error) => void): void;
    close(): void;
  }

  export function createSocket(
    type: 'unix_dgram',
    listener?: (message: Buffer, info: { size: number; path?: string }) => void,
  ): UnixDgramSocket;

  const unixDgram: { createSocket: typeof createSocket };
  export default unixDgram;
}
