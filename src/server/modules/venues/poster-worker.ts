/**
 * Entry of a poster worker thread (see poster-renderer.ts): renders one poster per task, off the event loop.
 * The PDF comes back as a Uint8Array (structured-cloned: ~50 KB, far cheaper than rendering).
 */
import { type PosterInput, renderPoster } from './poster.ts';

/** Renders one poster; piscina calls the default export with the task. */
export default function renderPosterTask(input: PosterInput): Promise<Uint8Array> {
  return renderPoster(input);
}
