/**
 * The Exposure Notification client library (browser and Node; no server imports): the key schedule, the export
 * format, matching and risk scoring, and the synthetic town. Node code may add `nodeAes` (node-aes.ts) for speed.
 */
export * from './crypto.ts';
export * from './export-file.ts';
export * from './matching.ts';
export * from './observed.ts';
export * from './simulator.ts';
