// Console sessions: a random 256-bit token held by the browser (cookie) or the CLI (bearer), kept
// here only as its SHA-256. 30 minutes idle and 12 hours absolute, revoked at logout, by an
// admin, or when the account is disabled. Sessions live in memory: a restart logs everyone out,
// which is the safe direction. Each session has a public id (not the token) for listing and
// revoking.

import { createHash, randomBytes } from 'node:crypto';
import type { Role } from './accounts';

export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 3600_000;
/** Sessions kept at most; the oldest is dropped beyond this. */
export const SESSIONS_MAX = 10_000;

/**
 * Who a request acts as: a console session, or an API token (then `tokenId` is set and
 * `container`, when not null, is the only container it may touch).
 */
export interface Session {
  readonly id: string;
  readonly user: string;
  readonly role: Role;
  readonly createdAtMs: number;
  lastSeenMs: number;
  readonly address?: string;
  readonly tokenId?: string;
  readonly container?: string | null;
}

export interface SessionView {
  readonly id: string;
  readonly user: string;
  readonly role: Role;
  readonly address: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
}

export function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly nowMs: () => number = () => Date.now()) {}

  create(user: string, role: Role, address = 'unknown'): string {
    const token = randomBytes(32).toString('base64url');
    if (this.sessions.size >= SESSIONS_MAX) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    const now = this.nowMs();
    this.sessions.set(digest(token), { id: randomBytes(8).toString('hex'), user, role, address, createdAtMs: now, lastSeenMs: now });
    return token;
  }

  private expired(session: Session, now: number): boolean {
    return now - session.lastSeenMs > SESSION_IDLE_MS || now - session.createdAtMs > SESSION_ABSOLUTE_MS;
  }

  /** The live session of a token (touching it), or undefined when unknown or expired. */
  lookup(token: string): Session | undefined {
    const key = digest(token);
    const session = this.sessions.get(key);
    if (session === undefined) return undefined;
    const now = this.nowMs();
    if (this.expired(session, now)) {
      this.sessions.delete(key);
      return undefined;
    }
    session.lastSeenMs = now;
    return session;
  }

  revoke(token: string): Session | undefined {
    const key = digest(token);
    const session = this.sessions.get(key);
    this.sessions.delete(key);
    return session;
  }

  /** Revokes the session with this public id; false when there is none. */
  revokeId(id: string): Session | undefined {
    for (const [key, session] of this.sessions) {
      if (session.id === id) {
        this.sessions.delete(key);
        return session;
      }
    }
    return undefined;
  }

  /** Revokes every session of `user` (disabled, demoted or given a new password). */
  revokeUser(user: string): number {
    let revoked = 0;
    for (const [key, session] of this.sessions) {
      if (session.user === user) {
        this.sessions.delete(key);
        revoked++;
      }
    }
    return revoked;
  }

  list(): SessionView[] {
    const now = this.nowMs();
    const views: SessionView[] = [];
    for (const [key, s] of this.sessions) {
      if (this.expired(s, now)) {
        this.sessions.delete(key);
        continue;
      }
      views.push({ id: s.id, user: s.user, role: s.role, address: s.address ?? 'unknown', createdAt: new Date(s.createdAtMs).toISOString(), lastSeenAt: new Date(s.lastSeenMs).toISOString() });
    }
    return views;
  }
}
