// The embedded cluster uses the engine's standard controller wiring.
export { defaultControllerWiring as makeControllerWiring } from '../../engine/node/controller-wiring';
