/**
 * Web sessions: a random id (the HttpOnly cookie) and a CSRF token per login, each with an
 * expiry (web.sessionTtlS from the login). Held in memory, at most web.maxSessions (a login
 * past it ends the oldest); a restart of the hub ends every session. The clock is handed in.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export interface Session {
  id: string;
  csrf: string;
  expiresAt: number;
}

export interface SessionsOptions {
  ttlMs: number;
  max: number;
  now?: () => number;
}

/** Whether two secrets are equal, in time independent of where they differ. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export class Sessions {
  /** By id, oldest first (a Map keeps insertion order). */
  private readonly byId = new Map<string, Session>();
  private readonly now: () => number;

  constructor(private readonly options: SessionsOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.byId.size;
  }

  create(): Session {
    this.sweep();
    while (this.byId.size >= this.options.max) {
      const oldest = this.byId.keys().next().value as string;
      this.byId.delete(oldest);
    }
    const session = {
      id: randomBytes(32).toString('base64url'),
      csrf: randomBytes(32).toString('base64url'),
      expiresAt: this.now() + this.options.ttlMs,
    };
    this.byId.set(session.id, session);
    return session;
  }

  /** The live session with this id; an expired one is forgotten. */
  get(id: string | undefined): Session | undefined {
    if (id === undefined) return undefined;
    const session = this.byId.get(id);
    if (session === undefined) return undefined;
    if (session.expiresAt <= this.now()) {
      this.byId.delete(id);
      return undefined;
    }
    return session;
  }

  end(id: string): void {
    this.byId.delete(id);
  }

  clear(): void {
    this.byId.clear();
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, session] of this.byId) if (session.expiresAt <= now) this.byId.delete(id);
  }
}
