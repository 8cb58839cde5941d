/**
 * AES-128 through node:crypto (OpenSSL, AES-NI where the processor has it): the engine for bulk matching in Node —
 * the key server's tools, the CLI, the simulator and the benchmark. Browsers use `portableAes` (crypto.ts); this file
 * is the library's only Node import, so a browser bundle never reaches it unless it imports this file.
 */
import { createCipheriv } from 'node:crypto';
import type { AesEngine } from './crypto.ts';

export const nodeAes: AesEngine = {
  ecb(key, blocks) {
    // update() hands back every whole block; with nothing held back there is no final() to call (nor padding)
    return createCipheriv('aes-128-ecb', key, null).update(blocks);
  },
  ctr(key, iv, data) {
    const cipher = createCipheriv('aes-128-ctr', key, iv);
    return Buffer.concat([cipher.update(data), cipher.final()]);
  },
};
