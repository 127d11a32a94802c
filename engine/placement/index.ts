// Placement: balanced slice maps that move the least data. See docs/PLACEMENT.md.
export { initialMap, scaleOut, failover, decommission, rebalance, maxVnsPerNode } from './operations';
export { metrics, moves, type MapMetrics, type MoveCount } from './metrics';
export { pairShareBound } from './bounds';
export { PLACEMENT_VERSION_CURRENT, PLACEMENT_VERSIONS, PlacementError, type PlacementVersion, type PlacementVn, type SliceMap, type SliceRoles } from './types';
