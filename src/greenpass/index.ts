/**
 * The green pass (HCERT / EU Digital COVID Certificate) library — browser and Node, no server imports: base45, CBOR,
 * zlib with a size ceiling, COSE_Sign1, X.509 reading, issuing and verifying, the DCC conformance checks, CertLogic
 * and ICAO 9303 transliteration. Node code may pass `nodeCrypto` (node-crypto.ts) for speed.
 */
export * from './base45.ts';
export * from './cbor.ts';
export * from './certificate.ts';
export * from './certlogic.ts';
export * from './conformance.ts';
export * from './cose.ts';
export * from './crypto.ts';
export * from './default-rules.ts';
export * from './der.ts';
export * from './hcert.ts';
export * from './names.ts';
export * from './verdict.ts';
export * from './zlib.ts';
