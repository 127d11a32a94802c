// Console sessions: a random 256-bit token held by the browser (cookie) or the CLI (bearer), kept
// here only as its SHA-256. 30 minutes idle and 12 hours absolute, revoked at logout. Sessions
// live in memory: a restart logs everyone out, which is the safe direction.

import { createHash, randomBytes } from 'node:crypto';
import type { Role } from './accounts';

export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 3600_000;
/** Sessions kept at most; the oldest is dropped beyond this. */
export const SESSIONS_MAX = 10_000;

export interface Session {
  readonly user: string;
  readonly role: Role;
  readonly createdAtMs: number;
  lastSeenMs: number;
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly nowMs: () => number = () => Date.now()) {}

  create(user: string, role: Role): string {
    const token = randomBytes(32).toString('base64url');
    if (this.sessions.size >= SESSIONS_MAX) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    const now = this.nowMs();
    this.sessions.set(digest(token), { user, role, createdAtMs: now, lastSeenMs: now });
    return token;
  }

  /** The live session of a token (touching it), or undefined when unknown or expired. */
  lookup(token: string): Session | undefined {
    const key = digest(token);
    const session = this.sessions.get(key);
    if (session === undefined) return undefined;
    const now = this.nowMs();
    if (now - session.lastSeenMs > SESSION_IDLE_MS || now - session.createdAtMs > SESSION_ABSOLUTE_MS) {
      this.sessions.delete(key);
      return undefined;
    }
    session.lastSeenMs = now;
    return session;
  }

  revoke(token: string): void {
    this.sessions.delete(digest(token));
  }
}
