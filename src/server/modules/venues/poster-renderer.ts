/**
 * Posters are rendered in a small pool of worker threads, never on the event loop: one render costs 0.5–1.5 s of
 * CPU (font subsetting, a 900 px QR image), and 30 at once on the main thread held every other request, `/healthz`
 * included, for ~18 s.
 *
 * - Pool (piscina): max(1, cores − 1) threads, so one core stays with the event loop; threads start with the first
 *   poster and stay 5 minutes idle (a start loads pdfkit and, under tsx, compiles the TypeScript: about a second),
 *   at a lower scheduling priority (nice +5) so the event loop — check-ins — wins the CPU over posters.
 * - Bounded: at most `threads + maxQueue` renders in flight; past that the request fails at once with `POSTER_BUSY`
 *   (503, Retry-After) rather than waiting in a queue as long as the burst. A render not done within
 *   `renderTimeoutMs` (120 s, waiting included: far longer than a full queue takes to drain, so it fires only when
 *   threads cannot start or a render hangs; aborting a running render replaces its thread) answers the same.
 * - Cache: the PDF of exactly what is drawn, keyed by every field of PosterInput (the QR string carries the venue
 *   id, the QR version and the signing key, so a rotation or an edit of the name or address renders anew), in an
 *   LRU bounded by bytes. Concurrent requests for the same poster share one render.
 */
import { availableParallelism } from 'node:os';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { Piscina } from 'piscina';
import { AppError } from '../../platform/errors.ts';
import type { PosterInput } from './poster.ts';

export interface PosterRendererOptions {
  /** worker threads */
  threads: number;
  /** renders that may wait for a thread; one more answers POSTER_BUSY */
  maxQueue: number;
  /** bytes of PDFs kept (a poster is ~50 KB) */
  cacheBytes: number;
  /** a render not done by then (waiting included) answers POSTER_BUSY, and a stuck thread is replaced */
  renderTimeoutMs: number;
}

export interface PosterRenderer {
  /** The poster's PDF: from the cache, from a render in flight for the same input, or from a new render. */
  render(input: PosterInput): Promise<Buffer>;
  /** Renders started so far (cache misses that reached the pool). */
  readonly renders: number;
  /** Stops the threads after the renders in flight; later renders answer POSTER_BUSY. */
  close(): Promise<void>;
}

export const POSTER_RENDERER_DEFAULTS: PosterRendererOptions = {
  threads: Math.max(1, availableParallelism() - 1),
  // a burst of 30 posters (a district printing its venues) still renders; a longer one is told to come back
  maxQueue: 32,
  cacheBytes: 32 * 1024 * 1024,
  renderTimeoutMs: 120_000,
};

/** Seconds a POSTER_BUSY answer asks the client to wait: the queue drains at about a poster a second per thread. */
const BUSY_RETRY_AFTER_S = 10;

// The worker loads the way this module was loaded: as TypeScript under tsx (`truyvet serve`, benches) or vitest —
// a new thread does not inherit tsx's hooks on Node 20, so it registers them itself before piscina imports the
// entry — or as plain JavaScript from a compiled build, where poster-worker.js sits next to this file.
const SELF = import.meta.url;
const RUNS_AS_TS = SELF.endsWith('.ts');
const WORKER_URL = new URL(RUNS_AS_TS ? './poster-worker.ts' : './poster-worker.js', SELF).href;

function workerExecArgv(): string[] {
  if (!RUNS_AS_TS) return [];
  const tsxApi = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return ['--import', `data:text/javascript,import{register}from${encodeURIComponent(tsxApi)};register();`];
}

/** The key of a poster: every field that is drawn, in a fixed order. */
function posterKey(input: PosterInput): string {
  return JSON.stringify(Object.entries(input).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A pool of poster workers with its cache; see the module comment for the bounds. */
export function createPosterRenderer(log: Logger, options: Partial<PosterRendererOptions> = {}): PosterRenderer {
  const { threads, maxQueue, cacheBytes, renderTimeoutMs } = { ...POSTER_RENDERER_DEFAULTS, ...options };
  const pool = new Piscina({
    filename: WORKER_URL,
    execArgv: workerExecArgv(),
    minThreads: 0,
    maxThreads: threads,
    idleTimeout: 5 * 60_000,
    niceIncrement: 5,
    closeTimeout: 10_000,
  });
  // a thread that fails outside a task (e.g. while starting) is reported here; unheard, it would end the process
  pool.on('error', (err: unknown) => log.error({ err }, 'poster worker failed'));
  let inFlight = 0;
  let renders = 0;
  let closed = false;

  const busy = () => new AppError('POSTER_BUSY', 503, { retryAfter: BUSY_RETRY_AFTER_S });

  async function renderInPool(input: PosterInput): Promise<Buffer> {
    // counted here rather than with piscina's maxQueue, whose queue size also depends on threads still starting
    if (closed || inFlight >= threads + maxQueue) throw busy();
    inFlight++;
    renders++;
    try {
      // the timeout also empties the queue when a thread cannot start: piscina leaves queued tasks waiting then
      const pdf: Uint8Array = await pool.run(input, { signal: AbortSignal.timeout(renderTimeoutMs) });
      return Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
    } catch (err) {
      if (err instanceof Error && err.name === 'AbortError') throw busy();
      throw err;
    } finally {
      inFlight--;
    }
  }

  const cache = new LRUCache<string, Buffer, PosterInput>({
    maxSize: cacheBytes,
    sizeCalculation: (pdf) => pdf.length,
    fetchMethod: (_key, _stale, { context }) => renderInPool(context),
    // a render in flight answers everyone waiting for it, even if its entry is evicted meanwhile
    ignoreFetchAbort: true,
  });

  return {
    render: (input) => cache.forceFetch(posterKey(input), { context: input }),
    get renders() {
      return renders;
    },
    async close() {
      closed = true;
      await pool.close();
    },
  };
}
