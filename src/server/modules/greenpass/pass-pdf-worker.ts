/** Entry of a pass-PDF worker thread (pass-pdf-pool.ts): renders one printable pass per task, off the event loop. */
import { type PassPdfInput, renderPassPdf } from './pass-pdf.ts';

/** Renders one pass; piscina calls the default export with the task. */
export default function renderPassPdfTask(input: PassPdfInput): Promise<Uint8Array> {
  return renderPassPdf(input);
}
