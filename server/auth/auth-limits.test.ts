// The bounded parts of authentication, deterministically: the sign-in limiter (charged before
// the check, refunds, per-account clear), the argon2 queue's named limit, the audit log's cap,
// rotation and summaries, the Host allow-list and the clear-text warning.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AccountStore, HASH_QUEUE_MAX, HASHES_IN_FLIGHT_MAX, HashQueueFull } from './accounts';
import { AUDIT_FILES_KEPT, AUDIT_SUMMARY_WINDOW_MS, AuditLog } from './audit-log';
import { LOGIN_FAILURES_MAX, LOGIN_WINDOW_MS, LoginLimiter } from './login-limiter';
import { TokenStore } from './tokens';
import { HostAllowList } from '../http/host-check';
import { transportSecurity } from '../http/server-security';

test('the limiter charges before the check: the sixth concurrent attempt is refused; a success refunds only itself', () => {
  let now = 1_000_000;
  const limiter = new LoginLimiter(() => now);
  const charges = Array.from({ length: 8 }, () => limiter.charge(['user:a', 'addr:x']));
  assert.equal(charges.filter((c) => c.ok).length, LOGIN_FAILURES_MAX);
  const first = charges[0];
  assert.ok(first?.ok === true);
  // A success on the account clears that account and refunds its own charge on the address.
  limiter.clear('user:a');
  limiter.refund('addr:x', first.atMs);
  assert.equal(limiter.charge(['user:b', 'addr:x']).ok, true, 'one slot freed on the address');
  assert.equal(limiter.charge(['user:c', 'addr:x']).ok, false, 'and only one');
  now += LOGIN_WINDOW_MS;
  assert.equal(limiter.charge(['user:c', 'addr:x']).ok, true, 'the window passes');
});

test(`argon2 work is bounded: ${HASHES_IN_FLIGHT_MAX} at once, ${HASH_QUEUE_MAX} waiting, the rest refused at once`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-hashq-'));
  try {
    const store = new AccountStore(dir);
    await store.check('warm-up', 'x'); // computes the decoy hash once
    const total = HASHES_IN_FLIGHT_MAX + HASH_QUEUE_MAX + 10;
    const results = await Promise.allSettled(Array.from({ length: total }, () => store.check('nobody', 'guess')));
    const refused = results.filter((r) => r.status === 'rejected' && r.reason instanceof HashQueueFull).length;
    assert.equal(refused, 10);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, HASHES_IN_FLIGHT_MAX + HASH_QUEUE_MAX);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the audit log rotates at its cap, keeps a bounded number of files, and summarises repeats', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-audit-'));
  let now = 5_000_000;
  try {
    const log = new AuditLog(dir, () => now, 2_000);
    for (let i = 0; i < 200; i++) log.record({ action: 'test', actor: 'a', address: 'x', result: `ok ${i}` });
    assert.ok(statSync(join(dir, 'audit.log')).size <= 2_000);
    assert.ok(existsSync(join(dir, `audit.log.${AUDIT_FILES_KEPT - 1}`)));
    assert.ok(!existsSync(join(dir, `audit.log.${AUDIT_FILES_KEPT}`)));
    assert.equal(statSync(join(dir, 'audit.log')).mode & 0o777, 0o600);
    const newest = log.query({ action: 'test' }, 1).entries[0];
    assert.equal(newest?.result, 'ok 199');
    for (let i = 0; i < 1_000; i++) log.repeated('flood', { action: 'refused.x', actor: null, address: 'y', result: '401', args: { password: 'secret-value', key: 'k' } });
    now += AUDIT_SUMMARY_WINDOW_MS;
    log.flushSummaries(false);
    const flood = log.query({ action: 'refused.x' }, 10).entries;
    assert.equal(flood.length, 2, 'the first, then one summary');
    assert.equal(flood[0]?.repeats, 999);
    assert.ok(!readFileSync(join(dir, 'audit.log'), 'utf8').includes('secret-value'), 'password-like arguments are never logged');
    log.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tokens: stored as digests, expire, are revoked by name; the bootstrap token is ensured once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-tokens-'));
  let now = 10_000_000;
  try {
    const store = new TokenStore(dir, () => now);
    const { secret, token } = store.create({ name: 'ci', role: 'operator', container: 'photos', expiresInDays: 1, createdBy: 'admin' });
    assert.match(secret, /^tsk_[A-Za-z0-9_-]{43}$/);
    assert.ok(!readFileSync(join(dir, 'tokens.json'), 'utf8').includes(secret));
    assert.equal(statSync(join(dir, 'tokens.json')).mode & 0o777, 0o600);
    assert.equal(store.lookup(secret)?.firstUse, true);
    assert.equal(store.lookup(secret)?.firstUse, false);
    assert.equal(store.list()[0]?.container, 'photos');
    now += 86_400_000;
    assert.equal(store.lookup(secret), undefined, 'expired');
    assert.equal(store.revoke('ci').id, token.id);
    const bootstrap = 'b'.repeat(40);
    assert.equal(store.ensureBootstrap(bootstrap), 'created');
    assert.equal(new TokenStore(dir, () => now).ensureBootstrap(bootstrap), 'present');
    assert.throws(() => store.ensureBootstrap('short'), /at least|32\.\.256/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Host allow-list: loopback and advertised names pass, others do not; clear text beyond loopback warns', () => {
  const hosts = new HostAllowList('127.0.0.1', ['tessera.example.com']);
  for (const ok of ['127.0.0.1:3000', 'localhost:3000', '[::1]:3000', 'tessera.example.com', 'TESSERA.example.com.:443']) assert.ok(hosts.allows(ok), ok);
  for (const bad of ['evil.example', 'evil.example:3000', '127.0.0.1.evil.example', '', undefined]) assert.ok(!hosts.allows(bad), String(bad));
  assert.match(transportSecurity({ host: '0.0.0.0', advertise: [] }).warning ?? '', /^WARNING: listening on 0\.0\.0\.0 without TLS/);
  assert.equal(transportSecurity({ host: '127.0.0.1', advertise: [] }).warning, null);
  assert.throws(() => transportSecurity({ host: '127.0.0.1', advertise: [], tlsCertPath: '/nonexistent.pem' }), /--tls-cert and --tls-key: give both/);
  assert.throws(() => transportSecurity({ host: '127.0.0.1', advertise: ['bad name'] }), /--advertise/);
});
