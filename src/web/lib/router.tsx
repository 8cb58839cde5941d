/**
 * A tiny history-based router: the current path as state, `navigate()` to change it, `<Link>` for anchors.
 * The server answers every non-API page path with index.html, so deep links and reloads work.
 */
import { type AnchorHTMLAttributes, type MouseEvent, useEffect, useState } from 'react';

const EVENT = 'truyvet:navigate';
let navigatedInApp = false;

/** Whether the user has moved between pages inside the app (not just loaded it). */
export function hasNavigated(): boolean {
  return navigatedInApp;
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === window.location.pathname + window.location.search) return;
  navigatedInApp = true;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(EVENT));
}

/** The current pathname, updated on navigate() and on the browser's back/forward. */
export function usePath(): string {
  const [path, setPath] = useState(window.location.pathname);
  useEffect(() => {
    const update = () => setPath(window.location.pathname);
    const back = () => {
      navigatedInApp = true;
      update();
    };
    window.addEventListener('popstate', back);
    window.addEventListener(EVENT, update);
    return () => {
      window.removeEventListener('popstate', back);
      window.removeEventListener(EVENT, update);
    };
  }, []);
  return path;
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string };

export function Link({ to, onClick, ...rest }: LinkProps) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handle} {...rest} />;
}
