// Failover drills from the command line, against a running server:
//   tessera drill list [--json]
//   tessera drill run SCENARIO [--live] [--target NODE] [--seconds N] [--seed N] [--confirm NAME] [--json]
//   tessera drill report ID [--json]
// A live drill breaks the running cluster: it needs the cluster's name, from --confirm or typed
// at the prompt. `run` waits for the report and prints it.

import { createInterface } from 'node:readline/promises';
import type { DrillReport } from '../../engine/drills/drill-report';
import type { ScenarioInfo } from '../../engine/drills/scenarios';
import type { DrillSummary } from '../drills/drill-history';
import type { DrillStatus } from '../drills/drill-service';
import { intFlag, parseFlags, stringFlag, UsageError } from './args';
import { connect, DEFAULT_SERVER, OperatorError, type Api, type Output } from './operator';

export const DRILL_USAGE = `tessera drill list [--json]
  tessera drill run SCENARIO [--live] [--target NODE] [--seconds N] [--seed N] [--confirm CLUSTER_NAME] [--json]
  tessera drill report ID [--json]`;

/** How often `drill run` asks for progress. */
export const DRILL_POLL_MS = 500;
/** `drill run` gives up waiting after this long (the drill itself goes on). */
export const DRILL_WAIT_LIMIT_MS = 600_000;

const ms = (value: number | null): string => (value === null ? '-' : `${value} ms`);

export function reportLines(report: DrillReport): string[] {
  const lines = [
    `drill ${report.id}: ${report.scenario} (${report.mode}${report.seed === null ? '' : `, seed ${report.seed}`}) on ${report.targets.join(', ') || 'the cluster'}: ${report.passed ? 'PASSED' : 'FAILED'}`,
    `  unavailability window over ${report.affectedSlices} affected slices: p50 ${ms(report.windowMsP50)}, p99 ${ms(report.windowMsP99)}, max ${ms(report.windowMsMax)}`,
    `  operations: ${report.opsAttempted} attempted, ${report.opsOk} ok, ${report.opsFailed} failed`,
    `  latency p50/p99: before ${ms(report.latency.before.p50Ms)}/${ms(report.latency.before.p99Ms)}, during ${ms(report.latency.during.p50Ms)}/${ms(report.latency.during.p99Ms)}, after ${ms(report.latency.after.p50Ms)}/${ms(report.latency.after.p99Ms)}`,
    `  acknowledged writes: ${report.ackedWrites}, lost ${report.ackedWritesLost}; linearizable: ${String(report.linearizable)}`,
    `  re-protection: ${report.reprotection.slices} slices in ${ms(report.reprotection.timeMs)}`,
    '  timeline:',
    ...report.timeline.map((t) => `    +${String(t.atMs).padStart(6)} ms  ${t.kind.padEnd(17)} ${t.message}`),
  ];
  for (const problem of report.problems) lines.push(`  problem: ${problem}`);
  return lines;
}

async function askClusterName(name: string): Promise<string> {
  if (!process.stdin.isTTY) throw new UsageError(`a live drill breaks the running cluster: add --confirm ${name}`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(`A live drill breaks cluster ${name} on purpose. Type its name to go on: `)).trim();
  } finally {
    rl.close();
  }
}

async function waitForReport(api: Api, id: string, json: boolean): Promise<DrillReport> {
  const deadline = Date.now() + DRILL_WAIT_LIMIT_MS;
  let lastPhase = '';
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, DRILL_POLL_MS));
    const status = await api.query<DrillStatus | null>('drills.status');
    if (status?.id !== id) throw new OperatorError(`drill ${id} is no longer the current drill`);
    const phase = status.progress?.phase ?? 'starting';
    if (!json && phase !== lastPhase) {
      process.stderr.write(`  ${phase} (${status.progress?.elapsedMs ?? 0} ms, ${status.progress?.opsOk ?? 0} ops ok)\n`);
      lastPhase = phase;
    }
    if (!status.running) {
      if (status.reportId === null) throw new OperatorError(`drill ${id} failed: ${status.error ?? 'no report'}`);
      return api.query<DrillReport>('drills.report', { id: status.reportId });
    }
  }
  throw new OperatorError(`drill ${id} still runs after ${DRILL_WAIT_LIMIT_MS} ms; see tessera drill report ${id} later`);
}

export async function runDrillCommand(argv: readonly string[], out: Output): Promise<number> {
  const { flags, positionals } = parseFlags(argv, { server: 'string', user: 'string', token: 'string', json: 'boolean', live: 'boolean', target: 'string', seconds: 'string', seed: 'string', confirm: 'string' });
  const server = stringFlag(flags, 'server', DEFAULT_SERVER).replace(/\/$/, '');
  const json = flags.get('json') === true;
  const [action, arg] = positionals;
  const api = await connect(server, stringFlag(flags, 'user', 'admin'), typeof flags.get('token') === 'string' ? String(flags.get('token')) : undefined);
  switch (action) {
    case 'list': {
      const catalogue = await api.query<{ scenarios: ScenarioInfo[]; cluster: { name: string } }>('drills.scenarios');
      const history = await api.query<DrillSummary[]>('drills.history');
      if (json) {
        out(JSON.stringify({ scenarios: catalogue.scenarios, history }, null, 2));
        return 0;
      }
      out(`scenarios (cluster ${catalogue.cluster.name}):`);
      for (const s of catalogue.scenarios) out(`  ${s.id.padEnd(22)} ${s.targetKind === 'none' ? '          ' : `--target ${s.targetKind}`.padEnd(10)} ${s.description}`);
      out('past drills (newest first):');
      if (history.length === 0) out('  none yet');
      for (const h of history) out(`  ${h.id}  ${h.scenario.padEnd(22)} ${h.mode.padEnd(9)} window p99 ${ms(h.windowMsP99).padEnd(9)} lost ${h.ackedWritesLost}  ${h.passed ? 'passed' : 'FAILED'}`);
      return 0;
    }
    case 'run': {
      if (arg === undefined) throw new UsageError('tessera drill run SCENARIO: give a scenario (tessera drill list shows them)');
      const live = flags.get('live') === true;
      let confirm = typeof flags.get('confirm') === 'string' ? String(flags.get('confirm')) : undefined;
      if (live && confirm === undefined) confirm = await askClusterName((await api.query<{ cluster: { name: string } }>('drills.scenarios')).cluster.name);
      const seconds = flags.has('seconds') ? intFlag(flags, 'seconds', 5, 1, 120) : undefined;
      const seed = flags.has('seed') ? intFlag(flags, 'seed', 0, 0, 0x7fff_ffff) : undefined;
      const target = typeof flags.get('target') === 'string' ? String(flags.get('target')) : undefined;
      const started = await api.mutate<{ id: string; seed: number | null; targets: string[] }>('drills.run', { scenario: arg, mode: live ? 'live' : 'rehearsal', target, durationSeconds: seconds, seed, confirm });
      if (!json) process.stderr.write(`drill ${started.id} started (${live ? 'live' : `rehearsal, seed ${started.seed ?? '-'}`})\n`);
      const report = await waitForReport(api, started.id, json);
      if (json) out(JSON.stringify(report, null, 2));
      else for (const line of reportLines(report)) out(line);
      return report.passed ? 0 : 1;
    }
    case 'report': {
      if (arg === undefined) throw new UsageError('tessera drill report ID: give a drill id (tessera drill list shows them)');
      const report = await api.query<DrillReport>('drills.report', { id: arg });
      if (json) out(JSON.stringify(report, null, 2));
      else for (const line of reportLines(report)) out(line);
      return 0;
    }
    case undefined:
    default:
      throw new UsageError(`tessera drill: unknown action "${action ?? ''}" (list, run or report)`);
  }
}
