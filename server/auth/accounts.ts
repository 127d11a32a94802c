// Console accounts: stored in the data directory (accounts.json, 0600, written atomically),
// passwords hashed with argon2id (19 MiB, t = 2, p = 1; docs/SECURITY.md). Hashing is bounded:
// at most HASHES_IN_FLIGHT_MAX at once and HASH_QUEUE_MAX waiting; beyond that the work is
// refused at once (HashQueueFull), so a flood of sign-ins cannot make the wait of others grow
// without bound. The first start creates `admin` with TESSERA_ADMIN_PASSWORD or a random
// password printed once; a too-short TESSERA_ADMIN_PASSWORD stops the start.

import { hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeSecretFile } from './secure-file';

export type Role = 'viewer' | 'operator' | 'admin';
export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

export interface Account {
  readonly name: string;
  readonly role: Role;
  readonly passwordHash: string;
  readonly createdAt: string;
  /** A disabled account cannot sign in; its sessions were revoked when it was disabled. */
  readonly disabled?: boolean;
}

/** What an admin sees of an account (never the hash). */
export interface AccountView {
  readonly name: string;
  readonly role: Role;
  readonly createdAt: string;
  readonly disabled: boolean;
}

const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
/** Password hashes computed at once; more wait (each costs 19 MiB and tens of ms). */
export const HASHES_IN_FLIGHT_MAX = 2;
/** Hashes waiting at most; one more is refused at once (429 on sign-in). */
export const HASH_QUEUE_MAX = 16;
export const PASSWORD_MIN_CHARS = 8;
export const PASSWORD_MAX_CHARS = 256;
export const ACCOUNTS_MAX = 1_000;
export const ACCOUNT_NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
export const ADMIN_PASSWORD_ENV = 'TESSERA_ADMIN_PASSWORD';

export class HashQueueFull extends Error {
  override readonly name = 'HashQueueFull';
}

export class AccountError extends Error {
  override readonly name = 'AccountError';
  constructor(readonly code: 'NOT_FOUND' | 'CONFLICT' | 'BAD_REQUEST', message: string) {
    super(message);
  }
}

let inFlight = 0;
const waiting: Array<() => void> = [];

/** Hashes waiting and running now (for tests and the metrics of a flood). */
export function hashLoad(): { inFlight: number; waiting: number } {
  return { inFlight, waiting: waiting.length };
}

async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (inFlight >= HASHES_IN_FLIGHT_MAX) {
    if (waiting.length >= HASH_QUEUE_MAX) throw new HashQueueFull(`sign-in is busy: ${HASH_QUEUE_MAX} password checks are already waiting; try again in a second`);
    await new Promise<void>((resolve) => waiting.push(resolve));
  }
  inFlight++;
  try {
    return await work();
  } finally {
    inFlight--;
    waiting.shift()?.();
  }
}

export function rank(role: Role): number {
  return ROLES.indexOf(role);
}

export function passwordProblem(password: string): string | null {
  if (password.length < PASSWORD_MIN_CHARS) return `password: must be at least ${PASSWORD_MIN_CHARS} characters (found ${password.length})`;
  if (password.length > PASSWORD_MAX_CHARS) return `password: must be at most ${PASSWORD_MAX_CHARS} characters`;
  return null;
}

export class AccountStore {
  private accounts = new Map<string, Account>();
  private readonly path: string;
  /** A hash of a random password, verified against when the user does not exist (same cost). */
  private decoyHash: string | undefined;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'accounts.json');
    if (existsSync(this.path)) {
      const parsed = JSON.parse(readFileSync(this.path, 'utf8')) as { accounts: Account[] };
      for (const account of parsed.accounts) this.accounts.set(account.name, account);
      this.save();
    }
  }

  /**
   * On a new data directory: creates `admin`; logs the password when it was generated. A
   * TESSERA_ADMIN_PASSWORD that breaks the password rule is an error, never silently replaced.
   */
  async ensureAdmin(log: (line: string) => void): Promise<void> {
    const fromEnv = process.env[ADMIN_PASSWORD_ENV];
    if (fromEnv !== undefined) {
      const problem = passwordProblem(fromEnv);
      if (problem !== null) throw new AccountError('BAD_REQUEST', `${ADMIN_PASSWORD_ENV}: ${problem.replace(/^password: /, '')}`);
    }
    if (this.accounts.size > 0) return;
    const password = fromEnv ?? randomBytes(12).toString('base64url');
    await this.create('admin', 'admin', password);
    if (fromEnv === undefined) log(`created console account admin with password ${password} (shown once; set ${ADMIN_PASSWORD_ENV} to choose it)`);
    else log(`created console account admin with the password from ${ADMIN_PASSWORD_ENV}`);
  }

  async create(name: string, role: Role, password: string): Promise<Account> {
    if (!ACCOUNT_NAME_PATTERN.test(name)) throw new AccountError('BAD_REQUEST', `name: 1-64 lowercase letters, digits, _ . and -, starting with a letter or digit (found ${JSON.stringify(name)})`);
    if (this.accounts.has(name)) throw new AccountError('CONFLICT', `name: account ${name} already exists`);
    if (this.accounts.size >= ACCOUNTS_MAX) throw new AccountError('BAD_REQUEST', `name: at most ${ACCOUNTS_MAX} accounts`);
    const problem = passwordProblem(password);
    if (problem !== null) throw new AccountError('BAD_REQUEST', problem);
    const passwordHash = await limited(() => hash(password, ARGON2));
    const account: Account = { name, role, passwordHash, createdAt: new Date().toISOString() };
    this.accounts.set(name, account);
    this.save();
    return account;
  }

  /**
   * The account when the password matches and the account is enabled; a missing user costs the
   * same as a wrong password. Throws HashQueueFull when the hashing queue is full.
   */
  async check(name: string, password: string): Promise<Account | undefined> {
    const account = this.accounts.get(name);
    if (account === undefined) {
      this.decoyHash ??= await limited(() => hash(randomBytes(16).toString('hex'), ARGON2));
      const decoy = this.decoyHash;
      await limited(() => verify(decoy, password));
      return undefined;
    }
    const ok = await limited(() => verify(account.passwordHash, password));
    return ok && account.disabled !== true ? account : undefined;
  }

  get(name: string): Account | undefined {
    return this.accounts.get(name);
  }

  list(): AccountView[] {
    return [...this.accounts.values()].map((a) => ({ name: a.name, role: a.role, createdAt: a.createdAt, disabled: a.disabled === true }));
  }

  private must(name: string): Account {
    const account = this.accounts.get(name);
    if (account === undefined) throw new AccountError('NOT_FOUND', `name: no account ${name}`);
    return account;
  }

  /** The last enabled admin cannot be demoted or disabled: nobody could manage the server. */
  private keepsAnAdmin(name: string, next: Account): void {
    const admins = [...this.accounts.values()].map((a) => (a.name === name ? next : a)).filter((a) => a.role === 'admin' && a.disabled !== true);
    if (admins.length === 0) throw new AccountError('CONFLICT', `name: ${name} is the last enabled admin`);
  }

  setRole(name: string, role: Role): AccountView {
    const next = { ...this.must(name), role };
    this.keepsAnAdmin(name, next);
    this.accounts.set(name, next);
    this.save();
    return this.view(next);
  }

  setDisabled(name: string, disabled: boolean): AccountView {
    const { disabled: _old, ...rest } = this.must(name);
    const next: Account = disabled ? { ...rest, disabled: true } : rest;
    this.keepsAnAdmin(name, next);
    this.accounts.set(name, next);
    this.save();
    return this.view(next);
  }

  async setPassword(name: string, password: string): Promise<void> {
    this.must(name);
    const problem = passwordProblem(password);
    if (problem !== null) throw new AccountError('BAD_REQUEST', problem);
    const passwordHash = await limited(() => hash(password, ARGON2));
    this.accounts.set(name, { ...this.must(name), passwordHash });
    this.save();
  }

  private view(a: Account): AccountView {
    return { name: a.name, role: a.role, createdAt: a.createdAt, disabled: a.disabled === true };
  }

  private save(): void {
    writeSecretFile(this.path, JSON.stringify({ accounts: [...this.accounts.values()] }, null, 2));
  }
}
