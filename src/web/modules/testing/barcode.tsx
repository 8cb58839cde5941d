/**
 * A tube's label as Code 128 (jsbarcode's encoder, drawn here as SVG bars: crisp at any printer resolution), with the
 * code in digits below it for when a scanner fails.
 */
import CODE128Module from 'jsbarcode/bin/barcodes/CODE128/CODE128_AUTO.js';

// a CommonJS module with a default export: bundlers hand over either the class or the exports object holding it
const CODE128 = ((CODE128Module as unknown as { default?: typeof CODE128Module }).default ??
  CODE128Module) as typeof CODE128Module;

/** The bars of `text`: "1" = a bar module, "0" = a space; quiet zones excluded. */
export function code128Modules(text: string): string {
  return new CODE128(text, {}).encode().data;
}

export function Barcode({ value, height = 40, label = true }: { value: string; height?: number; label?: boolean }) {
  const modules = code128Modules(value);
  const quiet = 10;
  const width = modules.length + quiet * 2;
  const bars: Array<{ x: number; w: number }> = [];
  for (let i = 0; i < modules.length; i++) {
    if (modules[i] !== '1') continue;
    const last = bars[bars.length - 1];
    if (last && last.x + last.w === i + quiet) last.w++;
    else bars.push({ x: i + quiet, w: 1 });
  }
  return (
    <figure className="ts-barcode" data-barcode={value}>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={value}
        shapeRendering="crispEdges"
      >
        <rect width={width} height={height} fill="#fff" />
        {bars.map((b) => (
          <rect key={b.x} x={b.x} width={b.w} height={height} fill="#000" />
        ))}
      </svg>
      {label ? <figcaption>{value}</figcaption> : null}
    </figure>
  );
}
