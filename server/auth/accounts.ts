// Console accounts: stored in the data directory (accounts.json, written atomically), passwords
// hashed with argon2id (19 MiB, t = 2, p = 1; docs/SECURITY.md), at most two hashes computed at once.
// The first start creates `admin` with TESSERA_ADMIN_PASSWORD or a random password printed once.

import { hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type Role = 'viewer' | 'operator' | 'admin';
export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

export interface Account {
  readonly name: string;
  readonly role: Role;
  readonly passwordHash: string;
  readonly createdAt: string;
}

const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
/** Password hashes computed at once; more wait (each costs 19 MiB and tens of ms). */
export const HASHES_IN_FLIGHT_MAX = 2;
export const ADMIN_PASSWORD_ENV = 'TESSERA_ADMIN_PASSWORD';

let inFlight = 0;
const waiting: Array<() => void> = [];

async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (inFlight >= HASHES_IN_FLIGHT_MAX) await new Promise<void>((resolve) => waiting.push(resolve));
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
    }
  }

  /** On a new data directory: creates `admin`; logs the password when it was generated. */
  async ensureAdmin(log: (line: string) => void): Promise<void> {
    if (this.accounts.size > 0) return;
    const fromEnv = process.env[ADMIN_PASSWORD_ENV];
    const password = fromEnv !== undefined && fromEnv.length >= 8 ? fromEnv : randomBytes(12).toString('base64url');
    await this.create('admin', 'admin', password);
    if (fromEnv === undefined) log(`created console account admin with password ${password} (shown once; set ${ADMIN_PASSWORD_ENV} to choose it)`);
    else log(`created console account admin with the password from ${ADMIN_PASSWORD_ENV}`);
  }

  async create(name: string, role: Role, password: string): Promise<Account> {
    const passwordHash = await limited(() => hash(password, ARGON2));
    const account: Account = { name, role, passwordHash, createdAt: new Date().toISOString() };
    this.accounts.set(name, account);
    this.save();
    return account;
  }

  /** The account when the password matches; a missing user costs the same as a wrong password. */
  async check(name: string, password: string): Promise<Account | undefined> {
    const account = this.accounts.get(name);
    if (account === undefined) {
      this.decoyHash ??= await limited(() => hash(randomBytes(16).toString('hex'), ARGON2));
      const decoy = this.decoyHash;
      await limited(() => verify(decoy, password));
      return undefined;
    }
    const ok = await limited(() => verify(account.passwordHash, password));
    return ok ? account : undefined;
  }

  get(name: string): Account | undefined {
    return this.accounts.get(name);
  }

  private save(): void {
    const temp = `${this.path}.tmp`;
    writeFileSync(temp, JSON.stringify({ accounts: [...this.accounts.values()] }, null, 2), { mode: 0o600 });
    renameSync(temp, this.path);
  }
}
