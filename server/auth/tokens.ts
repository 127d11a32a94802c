// API tokens for programs (docs/SECURITY.md): created by an admin with a name, a role, an
// optional container scope and an optional expiry. The secret (`tsk_` + 256 random bits,
// base64url) is shown once at creation; only its SHA-256 is kept, in tokens.json (0600,
// written atomically). Programs send it as `Authorization: Bearer <token>`.

import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from './accounts';
import { digest } from './sessions';
import { writeSecretFile } from './secure-file';

export const TOKEN_PREFIX = 'tsk_';
export const TOKENS_MAX = 1_000;
export const TOKEN_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** The longest expiry a token may be given (10 years). */
export const TOKEN_EXPIRY_DAYS_MAX = 3_650;
/** `lastUsedAt` is written to disk at most this often per token (it is kept in memory always). */
export const TOKEN_LAST_USED_SAVE_MS = 60_000;
export const BOOTSTRAP_TOKEN_ENV = 'TESSERA_BOOTSTRAP_TOKEN';
export const BOOTSTRAP_TOKEN_MIN_CHARS = 32;
export const BOOTSTRAP_TOKEN_MAX_CHARS = 256;
export const BOOTSTRAP_TOKEN_NAME = 'bootstrap';

export interface ApiToken {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** The only container it may touch, or null for all. */
  readonly container: string | null;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly expiresAt: string | null;
  lastUsedAt: string | null;
  readonly hash: string;
}

export type TokenView = Omit<ApiToken, 'hash'>;

export class TokenError extends Error {
  override readonly name = 'TokenError';
  constructor(readonly code: 'NOT_FOUND' | 'CONFLICT' | 'BAD_REQUEST', message: string) {
    super(message);
  }
}

export interface NewToken {
  readonly name: string;
  readonly role: Role;
  readonly container: string | null;
  readonly expiresInDays: number | null;
  readonly createdBy: string;
}

export class TokenStore {
  private readonly byHash = new Map<string, ApiToken>();
  private readonly path: string;
  private readonly savedAtMs = new Map<string, number>();

  constructor(dataDir: string, private readonly nowMs: () => number = () => Date.now()) {
    this.path = join(dataDir, 'tokens.json');
    if (existsSync(this.path)) {
      const parsed = JSON.parse(readFileSync(this.path, 'utf8')) as { tokens: ApiToken[] };
      for (const token of parsed.tokens) this.byHash.set(token.hash, token);
      this.save();
    }
  }

  /** Creates a token; the secret is in the answer and nowhere else. */
  create(spec: NewToken): { secret: string; token: TokenView } {
    return this.insert(spec, `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`);
  }

  private insert(spec: NewToken, secret: string): { secret: string; token: TokenView } {
    if (!TOKEN_NAME_PATTERN.test(spec.name)) throw new TokenError('BAD_REQUEST', `name: 1-64 letters, digits, _ . and -, starting with a letter or digit (found ${JSON.stringify(spec.name)})`);
    if ([...this.byHash.values()].some((t) => t.name === spec.name)) throw new TokenError('CONFLICT', `name: a token named ${spec.name} exists (revoke it first)`);
    if (this.byHash.size >= TOKENS_MAX) throw new TokenError('BAD_REQUEST', `name: at most ${TOKENS_MAX} tokens; revoke some first`);
    if (spec.expiresInDays !== null && (!Number.isInteger(spec.expiresInDays) || spec.expiresInDays < 1 || spec.expiresInDays > TOKEN_EXPIRY_DAYS_MAX)) {
      throw new TokenError('BAD_REQUEST', `expiresInDays: an integer in 1..${TOKEN_EXPIRY_DAYS_MAX}`);
    }
    const now = this.nowMs();
    const token: ApiToken = {
      id: randomBytes(6).toString('hex'), name: spec.name, role: spec.role, container: spec.container,
      createdAt: new Date(now).toISOString(), createdBy: spec.createdBy,
      expiresAt: spec.expiresInDays === null ? null : new Date(now + spec.expiresInDays * 86_400_000).toISOString(),
      lastUsedAt: null, hash: digest(secret),
    };
    this.byHash.set(token.hash, token);
    this.save();
    return { secret, token: view(token) };
  }

  /**
   * The admin token named `bootstrap` with this secret: created when missing, replaced when the
   * environment now carries a different secret. Returns whether it was created or replaced.
   */
  ensureBootstrap(secret: string): 'created' | 'replaced' | 'present' {
    if (secret.length < BOOTSTRAP_TOKEN_MIN_CHARS || secret.length > BOOTSTRAP_TOKEN_MAX_CHARS || !/^[\x21-\x7e]+$/.test(secret)) {
      throw new TokenError('BAD_REQUEST', `${BOOTSTRAP_TOKEN_ENV}: must be ${BOOTSTRAP_TOKEN_MIN_CHARS}..${BOOTSTRAP_TOKEN_MAX_CHARS} printable characters without spaces (found ${secret.length})`);
    }
    const existing = this.byHash.get(digest(secret));
    if (existing !== undefined && existing.name === BOOTSTRAP_TOKEN_NAME && existing.role === 'admin' && existing.container === null && existing.expiresAt === null) return 'present';
    const old = [...this.byHash.values()].find((t) => t.name === BOOTSTRAP_TOKEN_NAME);
    if (old !== undefined) this.byHash.delete(old.hash);
    if (existing !== undefined) this.byHash.delete(existing.hash);
    this.insert({ name: BOOTSTRAP_TOKEN_NAME, role: 'admin', container: null, expiresInDays: null, createdBy: BOOTSTRAP_TOKEN_ENV }, secret);
    return old === undefined ? 'created' : 'replaced';
  }

  /**
   * The live token of a secret (marking it used), or undefined when unknown, revoked or
   * expired. `firstUse` is true the first time a token is ever used.
   */
  lookup(secret: string): { token: ApiToken; firstUse: boolean } | undefined {
    if (!secret.startsWith(TOKEN_PREFIX) && secret.length < BOOTSTRAP_TOKEN_MIN_CHARS) return undefined;
    const token = this.byHash.get(digest(secret));
    if (token === undefined) return undefined;
    const now = this.nowMs();
    if (token.expiresAt !== null && Date.parse(token.expiresAt) <= now) return undefined;
    const firstUse = token.lastUsedAt === null;
    token.lastUsedAt = new Date(now).toISOString();
    if (firstUse || now - (this.savedAtMs.get(token.id) ?? 0) >= TOKEN_LAST_USED_SAVE_MS) {
      this.savedAtMs.set(token.id, now);
      this.save();
    }
    return { token, firstUse };
  }

  list(): TokenView[] {
    return [...this.byHash.values()].map(view).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Revokes by id or by name. */
  revoke(idOrName: string): TokenView {
    const token = [...this.byHash.values()].find((t) => t.id === idOrName || t.name === idOrName);
    if (token === undefined) throw new TokenError('NOT_FOUND', `token: no token with id or name ${idOrName}`);
    this.byHash.delete(token.hash);
    this.save();
    return view(token);
  }

  /** Writes lastUsedAt times kept in memory (at close). */
  flush(): void {
    this.save();
  }

  private save(): void {
    writeSecretFile(this.path, JSON.stringify({ tokens: [...this.byHash.values()] }, null, 2));
  }
}

function view(token: ApiToken): TokenView {
  const { hash: _hash, ...rest } = token;
  return { ...rest };
}
