import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadClusterConfig, parseClusterConfig } from './cluster-config';

test('the shipped cluster.yml is valid and gives 3 nodes x 4 VNs x 4 drives and a 600 s auto-online timeout', () => {
  const config = loadClusterConfig(join(import.meta.dirname, '../../cluster.yml'));
  assert.equal(config.topology.nodes, 3);
  assert.equal(config.topology.vnsPerNode, 4);
  assert.equal(config.topology.drivesPerNode, 4);
  assert.equal(config.settings.autoOnlineTimeoutSeconds, 600);
  assert.equal(config.containers['default']?.slices, 4096);
});

test('an empty file gives the defaults', () => {
  const config = parseClusterConfig(null, 'x.yml');
  assert.equal(config.topology.nodes, 3);
  assert.equal(config.settings.degradedWritePolicy, 'accept');
});

test('autoRebalance defaults to true, can be turned off, and must be a boolean', () => {
  assert.equal(parseClusterConfig(null, 'x.yml').settings.autoRebalance, true);
  assert.equal(parseClusterConfig({ settings: { autoRebalance: false } }, 'x.yml').settings.autoRebalance, false);
  assert.throws(() => parseClusterConfig({ settings: { autoRebalance: 'no' } }, 'c.yml'), /c\.yml: settings\.autoRebalance/);
});

test('errors name the field, the rule and the value found', () => {
  assert.throws(() => parseClusterConfig({ topology: { nodes: 2 } }, 'c.yml'), /c\.yml: topology\.nodes: must be at least 3 \(found 2\)/);
  assert.throws(() => parseClusterConfig({ settings: { autoOnlineTimeoutSeconds: -1 } }, 'c.yml'), /settings\.autoOnlineTimeoutSeconds: must be at least 0/);
  assert.throws(() => parseClusterConfig({ settings: { degradedWritePolicy: 'maybe' } }, 'c.yml'), /settings\.degradedWritePolicy/);
  assert.throws(() => parseClusterConfig({ containers: { default: { slices: 1000 } } }, 'c.yml'), /containers\.default\.slices: must be a power of two/);
  assert.throws(() => parseClusterConfig({ topology: { colour: 'red' } }, 'c.yml'), /topology.*colour/);
  assert.throws(() => parseClusterConfig({ settings: { heartbeatIntervalMs: 1000, failureDetectionTimeoutMs: 1500 } }, 'c.yml'), /failureDetectionTimeoutMs: must be at least twice/);
});

test('unreadable and malformed files give one clear ConfigError', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-config-'));
  assert.throws(() => loadClusterConfig(join(dir, 'missing.yml')), (e: unknown) => e instanceof ConfigError && /cannot read.*ENOENT/.test(e.message));
  const bad = join(dir, 'bad.yml');
  writeFileSync(bad, 'topology: [unclosed');
  assert.throws(() => loadClusterConfig(bad), /not valid YAML/);
});

test('server: advertised names and TLS files are optional; a bad name is reported with its field', () => {
  const config = parseClusterConfig({ server: { advertise: ['tessera.example.com', '10.0.0.5'], tlsCert: '/etc/cert.pem', tlsKey: '/etc/key.pem' } }, 'cluster.yml');
  assert.deepEqual(config.server?.advertise, ['tessera.example.com', '10.0.0.5']);
  assert.equal(parseClusterConfig({}, 'cluster.yml').server, undefined);
  assert.throws(() => parseClusterConfig({ server: { advertise: ['bad name'] } }, 'cluster.yml'), /cluster\.yml: server\.advertise\.0: must be a host name or an IP address/);
});

test('region: optional; ids, URLs, arbitrator count and the poll/lease ratio are checked with the field named', () => {
  assert.equal(parseClusterConfig({}, 'c.yml').region, undefined);
  const region = parseClusterConfig({ region: { id: 'region-a', peers: { 'region-b': 'http://10.0.1.5:3000' }, arbitrators: ['http://aca-1:3010'] } }, 'c.yml').region;
  assert.equal(region?.leaseMs, 6_000);
  assert.equal(region.pollIntervalMs, 1_000);
  assert.throws(() => parseClusterConfig({ region: { id: 'Region A', arbitrators: ['http://a:1'] } }, 'c.yml'), /c\.yml: region\.id: must be a region id/);
  assert.throws(() => parseClusterConfig({ region: { id: 'region-a', arbitrators: [] } }, 'c.yml'), /region\.arbitrators: must list at least one arbitrator/);
  assert.throws(() => parseClusterConfig({ region: { id: 'region-a', arbitrators: ['not a url'] } }, 'c.yml'), /region\.arbitrators\.0: must be an arbitrator URL/);
  assert.throws(() => parseClusterConfig({ region: { id: 'region-a', arbitrators: ['http://a:1'], leaseMs: 2_000, pollIntervalMs: 1_500 } }, 'c.yml'), /region\.pollIntervalMs: must be at most half of region\.leaseMs/);
});
