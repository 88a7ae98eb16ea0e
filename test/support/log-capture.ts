/** A pino logger whose JSON lines a test reads back (warnings naming a code, a topic). */
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

export interface LogCapture {
  log: Logger;
  lines: Record<string, unknown>[];
  /** Lines at warning level or above whose message contains `text`. */
  warnings(text?: string): Record<string, unknown>[];
}

export function captureLog(level = 'info'): LogCapture {
  const lines: Record<string, unknown>[] = [];
  let partial = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return {
    log: pino({ level }, sink),
    lines,
    warnings: (text) => lines.filter((line) => (line.level as number) >= 40 && (text === undefined || String(line.msg).includes(text))),
  };
}
