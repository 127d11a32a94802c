// Operator commands that change the cluster's shape and its drives, over the tRPC HTTP API:
//   tessera scale-out --nodes K [--vns V] [--drives D] [--capacity BYTES] [--wait]
//   tessera decommission NODE [--wait] | tessera rebalance [--wait]
//   tessera operations [--follow] [--json] | tessera operations cancel OP [--reason TEXT]
//   tessera drives [--json] | tessera drive fail|slow|errors|clear|replace DRIVE [--ms N] [--probability P]

import { intFlag, parseFlags, stringFlag, UsageError } from './args';
import { connect, DEFAULT_SERVER, FOLLOW_POLL_MS, type Api, type Output } from './operator';

export const TOPOLOGY_USAGE = `tessera scale-out --nodes K [--vns V] [--drives D] [--capacity BYTES] [--wait]
  tessera decommission NODE [--wait] | tessera rebalance [--wait]
  tessera operations [--follow] [--json] | tessera operations cancel OP [--reason TEXT]
  tessera drives [--json] | tessera drive fail|slow|errors|clear|replace DRIVE [--ms N] [--probability P]`;

export const TOPOLOGY_COMMANDS = new Set(['scale-out', 'decommission', 'rebalance', 'operations', 'drives', 'drive']);

interface OperationView {
  id: string;
  kind: string;
  state: string;
  nodes: string[];
  plannedMoves: number;
  idealMoves: number;
  movesRatio: number | null;
  doneMoves: number;
  remainingMoves: number;
  percentDone: number;
  copying: number | null;
  blocked: number | null;
  bytesCopied: number;
  bytesPerSecond: number;
  etaSeconds: number | null;
  elapsedSeconds: number;
  message: string;
}

interface DriveView {
  id: string;
  state: string;
  vnIds: string[];
  capacityBytes: number;
  bytesWritten: number;
  percentageUsed: number;
  writeRateBytesPerDay: number;
  dailyWriteBudgetBytes: number;
  predictedRemainingLifeDays: number | null;
  temperatureC: number;
  mediaErrors: number;
  fault: { mode: string } | null;
  warnings: string[];
}

interface Mttdl {
  estimate: { mttdlYears: number; formula: string; rebuildSource: string; rebuildCause: string | null; inputs: { driveCount: number; mtbfHours: number; rebuildHours: number; peersPerDrive: number }; caveat: string } | null;
  rebuilds: Array<{ cause: string; durationMs: number | null; slicesDegradedMax: number }>;
}

const MB = 1_000_000;

function progressLine(op: OperationView): string {
  const rate = op.bytesPerSecond > 0 ? `, ${(op.bytesPerSecond / MB).toFixed(1)} MB/s` : '';
  const eta = op.etaSeconds === null ? '' : `, ETA ${Math.ceil(op.etaSeconds)} s`;
  const inFlight = op.copying === null ? '' : `, ${op.copying} copying, ${op.blocked ?? 0} waiting`;
  return `${op.id} ${op.kind} ${op.state}: ${op.doneMoves}/${op.plannedMoves} copy moves (${op.percentDone.toFixed(1)}%)${inFlight}, ${(op.bytesCopied / MB).toFixed(1)} MB copied${rate}${eta}, ${op.elapsedSeconds.toFixed(1)} s`;
}

/** Prints progress until the operation ends; returns its final view. */
async function follow(api: Api, operationId: string, out: Output, shouldStop: () => boolean): Promise<OperationView | undefined> {
  for (;;) {
    const op = (await api.query<OperationView[]>('topology.operations')).find((o) => o.id === operationId);
    if (op === undefined) return undefined;
    out(progressLine(op));
    if (op.state !== 'running' || shouldStop()) return op;
    await new Promise((r) => setTimeout(r, FOLLOW_POLL_MS));
  }
}

async function runningOperationId(api: Api): Promise<string | undefined> {
  return (await api.query<OperationView[]>('topology.operations')).find((o) => o.state === 'running')?.id;
}

function driveTable(drives: readonly DriveView[], out: Output): void {
  out('DRIVE              STATE    VNS  WRITTEN      USED    RATE/DAY    LIFE (DAYS)  TEMP   ERRORS  FAULT');
  for (const d of drives) {
    const life = d.predictedRemainingLifeDays === null ? '-' : d.predictedRemainingLifeDays > 1e6 ? '>1e6' : d.predictedRemainingLifeDays.toFixed(0);
    out(`${d.id.padEnd(19)}${d.state.padEnd(9)}${String(d.vnIds.length).padEnd(5)}${`${(d.bytesWritten / MB).toFixed(1)} MB`.padEnd(13)}${`${d.percentageUsed.toFixed(4)}%`.padEnd(8)}${`${(d.writeRateBytesPerDay / MB).toFixed(1)} MB`.padEnd(12)}${life.padEnd(13)}${`${d.temperatureC} C`.padEnd(7)}${String(d.mediaErrors).padEnd(8)}${d.fault?.mode ?? '-'}`);
  }
}

export async function runTopologyCommand(command: string, argv: readonly string[], out: Output, shouldStop: () => boolean = () => false): Promise<number> {
  const { flags, positionals } = parseFlags(argv, {
    server: 'string', user: 'string', token: 'string', json: 'boolean', follow: 'boolean', wait: 'boolean', reason: 'string',
    nodes: 'string', vns: 'string', drives: 'string', capacity: 'string', ms: 'string', probability: 'string',
  });
  const server = stringFlag(flags, 'server', DEFAULT_SERVER).replace(/\/$/, '');
  const json = flags.get('json') === true;
  const wait = flags.get('wait') === true;
  const reason = stringFlag(flags, 'reason', `tessera ${command} from the CLI`);
  const [first, second] = positionals;
  const api = await connect(server, stringFlag(flags, 'user', 'admin'), flags.has('token') ? stringFlag(flags, 'token', '') : undefined);
  const finish = async (operationId: string | undefined, what: string): Promise<number> => {
    out(json ? JSON.stringify({ ok: true, operationId: operationId ?? null, done: what }) : what);
    if (!wait || operationId === undefined || operationId === '') return 0;
    const final = await follow(api, operationId, out, shouldStop);
    return final?.state === 'done' ? 0 : 1;
  };
  switch (command) {
    case 'scale-out': {
      if (!flags.has('nodes')) throw new UsageError('tessera scale-out: give --nodes K (how many nodes to add)');
      const shape = {
        nodes: intFlag(flags, 'nodes', 1, 1, 16),
        vnsPerNode: intFlag(flags, 'vns', 4, 1, 16),
        drivesPerNode: intFlag(flags, 'drives', 4, 1, 16),
        driveCapacityBytes: intFlag(flags, 'capacity', 3_840_000_000_000, 1_000_000_000, 1e15),
      };
      const preview = await api.query<{ plannedMoves: number; idealMoves: number; nodes: string[]; problem: string | null }>('topology.scaleOutPreview', shape);
      if (preview.problem !== null) throw new UsageError(`tessera scale-out: ${preview.problem}`);
      if (!json) out(`adding ${preview.nodes.join(', ')}: ${preview.plannedMoves} copy moves planned (ideal ${preview.idealMoves}, ratio ${preview.idealMoves > 0 ? (preview.plannedMoves / preview.idealMoves).toFixed(3) : '-'})`);
      const started = await api.mutate<{ operationId: string; nodes: string[] }>('topology.scaleOut', shape);
      return finish(started.operationId, `scale-out ${started.operationId} started: ${started.nodes.join(', ')}`);
    }
    case 'decommission': {
      if (first === undefined) throw new UsageError('tessera decommission NODE: give the node, e.g. node-4');
      const started = await api.mutate<{ operationId: string }>('topology.decommission', { nodeId: first });
      return finish(started.operationId, `decommission of ${first} started (${started.operationId})`);
    }
    case 'rebalance': {
      await api.mutate('topology.rebalance', { reason });
      return finish(await runningOperationId(api), 'rebalance requested');
    }
    case 'operations': {
      if (first === 'cancel') {
        if (second === undefined) throw new UsageError('tessera operations cancel OP: give the operation id, e.g. op-42');
        await api.mutate('topology.cancel', { operationId: second, reason });
        out(json ? JSON.stringify({ ok: true, cancelled: second }) : `operation ${second} cancelled`);
        return 0;
      }
      if (first !== undefined) throw new UsageError(`tessera operations: unknown action "${first}" (cancel)`);
      const ops = await api.query<OperationView[]>('topology.operations');
      if (json) out(JSON.stringify(ops, null, 2));
      else if (ops.length === 0) out('no operations yet');
      else for (const op of ops) out(progressLine(op) + (op.movesRatio === null ? '' : `, moves/ideal ${op.movesRatio.toFixed(3)}`) + (op.message === '' ? '' : ` (${op.message})`));
      const running = ops.find((o) => o.state === 'running');
      if (flags.get('follow') === true && running !== undefined) await follow(api, running.id, out, shouldStop);
      return 0;
    }
    case 'drives': {
      const drives = await api.query<DriveView[]>('drives.list');
      const mttdl = await api.query<Mttdl>('drives.mttdl');
      if (json) {
        out(JSON.stringify({ drives, mttdl }, null, 2));
        return 0;
      }
      driveTable(drives, out);
      const e = mttdl.estimate;
      if (e !== null) out(`MTTDL ≈ ${e.mttdlYears.toExponential(2)} years (${e.inputs.driveCount} drives, MTBF ${e.inputs.mtbfHours} h, rebuild ${(e.inputs.rebuildHours * 3600).toFixed(1)} s ${e.rebuildSource}${e.rebuildCause === null ? '' : ` after ${e.rebuildCause}`}, ${e.inputs.peersPerDrive} peers per drive): ${e.caveat}`);
      return 0;
    }
    case 'drive': {
      if (second === undefined) throw new UsageError('tessera drive fail|slow|errors|clear|replace DRIVE: give the drive, e.g. node-2/drive-1');
      if (first === 'replace') {
        await api.mutate('drives.replace', { driveId: second });
        return finish(await runningOperationId(api), `drive ${second} replaced; its VNs get their share back by a rebalance`);
      }
      const fault = first === 'fail' ? { mode: 'failed' }
        : first === 'slow' ? { mode: 'slow', extraLatencyMs: intFlag(flags, 'ms', 50, 1, 60_000) }
          : first === 'errors' ? { mode: 'errors', errorProbability: Number(stringFlag(flags, 'probability', '0.01')) }
            : first === 'clear' ? { mode: 'none' } : undefined;
      if (fault === undefined) throw new UsageError(`tessera drive: unknown action "${first ?? ''}" (fail, slow, errors, clear or replace)`);
      await api.mutate('drives.inject', { driveId: second, fault });
      out(json ? JSON.stringify({ ok: true, driveId: second, fault }) : `drive ${second}: ${first === 'clear' ? 'fault cleared' : first === 'fail' ? 'failed; its slices failed over' : `${first} injected`}`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}
