// The standard controller wiring: Raft on the node's system store, ticking at the heartbeat
// interval (a leader heartbeat each tick, an election after 10 to 20 silent ticks), and the
// balanced placement of engine/placement for new containers.

import { initialMap, rebalance } from '../placement/index';
import { DurableRaft } from '../raft/durable-raft';
import type { ControllerWiring } from './tessera-node';

/** Ticks without a leader before a follower campaigns (randomised up to twice this). */
export const ELECTION_TICKS = 10;
export const HEARTBEAT_TICKS = 1;

export function defaultControllerWiring(tickMs: number): ControllerWiring {
  return {
    tickMs,
    placement: {
      initial: (vns, sliceCount, version) => initialMap(vns.map((v) => ({ id: v.id, nodeId: v.nodeId })), sliceCount, version),
      rebalance: (vns, map, version) => rebalance(vns.map((v) => ({ id: v.id, nodeId: v.nodeId })), map, version),
    },
    makeRaft: (runtime, voters, learners) => new DurableRaft(runtime.systemStore, {
      id: runtime.nodeId, voters, learners, electionTicks: ELECTION_TICKS, heartbeatTicks: HEARTBEAT_TICKS, random: runtime.random,
    }),
  };
}
