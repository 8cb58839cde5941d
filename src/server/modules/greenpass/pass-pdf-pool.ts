/**
 * Printable passes are rendered in a worker thread, never on the event loop: a render costs about 100 ms of CPU
 * (pdfkit parses and subsets the embedded fonts for each document), which on the event loop would hold every
 * check-in behind a few citizens printing at once (the venue posters' lesson, venues/poster-renderer.ts).
 * One thread at most (a pass is printed rarely), started with the first PDF and stopped after 5 idle minutes, at a
 * lower scheduling priority; at most `maxQueue` waiting, past that GREENPASS_PDF_BUSY (503, Retry-After) at once.
 * Nothing is cached: a pass is personal data, and each PDF is rendered from the certificates as they stand.
 */
import type { Logger } from 'pino';
import { Piscina } from 'piscina';
import { AppError } from '../../platform/errors.ts';
import type { PassPdfInput } from './pass-pdf.ts';

export interface PassPdfPool {
  render(input: PassPdfInput): Promise<Buffer>;
  close(): Promise<void>;
}

const RETRY_AFTER_S = 5;

// as venues/poster-renderer.ts: under tsx or vitest the thread registers tsx itself; a build runs the .js file
const SELF = import.meta.url;
const RUNS_AS_TS = SELF.endsWith('.ts');
const WORKER_URL = new URL(RUNS_AS_TS ? './pass-pdf-worker.ts' : './pass-pdf-worker.js', SELF).href;

function workerExecArgv(): string[] {
  if (!RUNS_AS_TS) return [];
  const tsxApi = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return ['--import', `data:text/javascript,import{register}from${encodeURIComponent(tsxApi)};register();`];
}

export function createPassPdfPool(
  log: Logger,
  { maxQueue = 16, timeoutMs = 60_000 }: { maxQueue?: number; timeoutMs?: number } = {},
): PassPdfPool {
  const pool = new Piscina({
    filename: WORKER_URL,
    execArgv: workerExecArgv(),
    minThreads: 0,
    maxThreads: 1,
    idleTimeout: 5 * 60_000,
    niceIncrement: 5,
    closeTimeout: 10_000,
  });
  pool.on('error', (err: unknown) => log.error({ err }, 'pass PDF worker failed'));
  let inFlight = 0;
  let closed = false;
  const busy = () => new AppError('GREENPASS_PDF_BUSY', 503, { retryAfter: RETRY_AFTER_S });
  return {
    async render(input) {
      if (closed || inFlight >= 1 + maxQueue) throw busy();
      inFlight++;
      try {
        const pdf: Uint8Array = await pool.run(input, { signal: AbortSignal.timeout(timeoutMs) });
        return Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
      } catch (err) {
        if (err instanceof Error && err.name === 'AbortError') throw busy();
        throw err;
      } finally {
        inFlight--;
      }
    },
    async close() {
      closed = true;
      await pool.close();
    },
  };
}
