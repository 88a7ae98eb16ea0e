/**
 * groups.json: the groups (./groups.ts) kept as one small lowdb document, written through a
 * coalescing writer like rooms.json, checked against the group schema when read (a damaged file
 * is reported to the store's damage report and set aside, as every document is).
 */
import { join } from 'node:path';
import { Low } from 'lowdb';
import type { Logger } from 'pino';
import { CoalescingWriter } from '../store/coalescing-writer.js';
import { DurableJsonFile } from '../store/durable-json-file.js';
import { Groups, groupsSchema, type GroupData } from './groups.js';

export interface GroupStore {
  groups: Groups;
  flush(): Promise<void>;
}

export async function openGroupStore(options: {
  stateDir: string;
  writeIntervalMs: number;
  log: Logger;
  damaged: (problem: string, action: string) => void;
  deviceNamed: (name: string) => boolean;
  changed: () => void;
}): Promise<GroupStore> {
  const file = join(options.stateDir, 'groups.json');
  const doc = new Low<GroupData[]>(new DurableJsonFile(file, (value) => groupsSchema.parse(value), options.log, options.damaged), []);
  await doc.read();
  const writer = new CoalescingWriter(() => doc.write(), options.writeIntervalMs, options.log, 'groups.json');
  const groups: Groups = new Groups(doc.data, options.deviceNamed, () => {
    doc.data = groups.list();
    writer.markDirty();
    options.changed();
  });
  return { groups, flush: () => writer.flush() };
}
