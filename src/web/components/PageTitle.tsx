import { useEffect, useRef } from 'react';
import { hasNavigated } from '../lib/router.tsx';

/**
 * The page's h1. After a client-side navigation it takes focus, so keyboard and screen-reader users land on the
 * new content; on a fresh load focus stays at the top of the document, where the skip link is.
 */
export function PageTitle({ children }: { children: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (!hasNavigated()) return;
    if (document.activeElement === document.body || document.activeElement?.closest('nav, header')) {
      ref.current?.focus({ preventScroll: true });
    }
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}
