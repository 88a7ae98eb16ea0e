/**
 * The web page's access token: a random secret in a file of the state directory (mode 0600),
 * written at the first start that finds none and read at every start after; a login shows it.
 * `hearth doctor` reads it (as the service user) to show a person what to type in.
 */
import { randomBytes } from 'node:crypto';
import { chmod, open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { HearthConfig } from '../config/schema.js';

/** Shortest token the hub accepts from the file (a hand-written one too). */
export const MIN_TOKEN_CHARS = 16;
/** Longest: the file is read whole, and a login's token is compared against it. */
export const MAX_TOKEN_CHARS = 256;

export function tokenFileOf(config: Pick<HearthConfig, 'stateDir' | 'web'>): string {
  return config.web.tokenFile ?? join(config.stateDir, 'web-token');
}

/** A new token: 32 characters of base64url (192 random bits). */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function checked(text: string, path: string): string {
  const token = text.trim();
  if (token.length < MIN_TOKEN_CHARS || token.length > MAX_TOKEN_CHARS || /\s/.test(token))
    throw new Error(
      `${path} does not hold a usable web access token (expected ${MIN_TOKEN_CHARS}-${MAX_TOKEN_CHARS} characters without spaces); delete it and the next start writes a new one`,
    );
  return token;
}

/** The token in `path`, or undefined when the file does not exist. */
export async function readToken(path: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return checked(text.slice(0, MAX_TOKEN_CHARS + 2), path);
}

export interface LoadedToken {
  token: string;
  /** Written by this call (the first start). */
  created: boolean;
  /** The file was readable by others and was made 0600. */
  tightened: boolean;
}

/** Reads the token in `path`, writing a new one (mode 0600, never over an existing file) when there is none. */
export async function loadOrCreateToken(path: string): Promise<LoadedToken> {
  const existing = await readToken(path);
  if (existing !== undefined) {
    const mode = (await stat(path)).mode & 0o777;
    const tightened = (mode & 0o077) !== 0;
    if (tightened) await chmod(path, 0o600);
    return { token: existing, created: false, tightened };
  }
  const token = newToken();
  try {
    const file = await open(path, 'wx', 0o600);
    try {
      await file.writeFile(`${token}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
  } catch (error) {
    // another process wrote it first: that one counts
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateToken(path);
    throw error;
  }
  return { token, created: true, tightened: false };
}
