/**
 * What the store found damaged on disk, for the hub's health and metrics: journal records
 * skipped or cut off (the state journal and the outbox's), snapshot shards
 * and documents (registry shards, rooms, settings) that did not read back. Each finding names
 * its file and what the hub did about it; every part that reads the disk reports here, and the
 * parts' health shows the findings for their files (degraded while there are any).
 */
import type { JournalDamage, RecoveryReport } from './journal.js';

export type DamageKind = 'journal' | 'snapshot_shard' | 'document';

export interface DamageFinding {
  kind: DamageKind;
  /** The journal or store it belongs to: "state", "outbox", "registry", … */
  area: string;
  file: string;
  problem: string;
  /** What the hub did: skipped the record, used the last good copy, started the shard empty, … */
  action: string;
}

export class StoreDamage {
  private readonly list: DamageFinding[] = [];
  /** Torn or corrupt journal records found at start, every journal together. */
  journalRecords = 0;

  note(finding: DamageFinding): void {
    this.list.push(finding);
  }

  /**
   * A journal's recovery: its torn and corrupt records are counted; a torn end (what a power cut
   * leaves, never acknowledged) is no damage, a bad record anywhere else is.
   */
  noteJournal(area: string, report: RecoveryReport): void {
    this.journalRecords += report.corrupt;
    for (const damaged of report.damaged) {
      const bad = damaged.problems.filter((problem) => !problem.torn);
      if (bad.length === 0) continue;
      this.note({
        kind: 'journal',
        area,
        file: damaged.path,
        problem: bad.map((problem) => problem.problem).join('; '),
        action: journalAction(damaged),
      });
    }
  }

  findings(area?: (name: string) => boolean): DamageFinding[] {
    return area === undefined ? [...this.list] : this.list.filter((finding) => area(finding.area));
  }

  count(kind: DamageKind): number {
    return this.list.filter((finding) => finding.kind === kind).length;
  }
}

function journalAction(damaged: JournalDamage): string {
  return `skipped the bad record(s), kept every good one${damaged.keptAs === undefined ? '' : `; the damaged file is kept as ${damaged.keptAs}`}`;
}

/** A part's health for its findings: degraded, naming every damaged file, or nothing to say. */
export function damageHealth(findings: DamageFinding[]): { status: 'degraded'; detail: string; damaged: DamageFinding[] } | undefined {
  if (findings.length === 0) return undefined;
  return {
    status: 'degraded',
    detail: `store damage found at start: ${findings.map((f) => `${f.file}: ${f.problem} (${f.action})`).join('; ')}`,
    damaged: findings,
  };
}
