import { useCallback, useEffect, useRef, useState } from 'react';
import { apiPage } from './api.ts';

/**
 * A paged list (`GET path`, the server's keyset paging): loads the first page (skipped while path is null); `more()`
 * appends the next one (`after=` the previous page's `X-Next-Cursor`); `reload()` starts again from the first page.
 * `data` holds every row loaded so far; `hasMore` says whether the server has more. Stale answers are ignored (a
 * page that arrives after the filters changed or a reload started is dropped). `update(fn)` changes the loaded rows
 * in place (a row the user just changed), keeping every page loaded so far where a reload would start again.
 */
export function useApiPages<T>(path: string | null) {
  const [data, setData] = useState<T[] | undefined>(undefined);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(path !== null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [generation, setGeneration] = useState(0);
  // bumped by every first-page load: what a later page must still match to be appended
  const run = useRef(0);

  useEffect(() => {
    if (path === null) return;
    const mine = ++run.current;
    setLoading(true);
    setLoadingMore(false);
    setError(null);
    apiPage<T>(path)
      .then((page) => {
        if (run.current !== mine) return;
        setData(page.items);
        setNext(page.next);
      })
      .catch((e: unknown) => {
        if (run.current === mine) setError(e);
      })
      .finally(() => {
        if (run.current === mine) setLoading(false);
      });
  }, [path, generation]);

  const more = useCallback(() => {
    if (path === null || next === null || loading || loadingMore) return;
    const mine = run.current;
    setLoadingMore(true);
    setError(null);
    apiPage<T>(`${path}${path.includes('?') ? '&' : '?'}after=${encodeURIComponent(next)}`)
      .then((page) => {
        if (run.current !== mine) return;
        setData((rows) => [...(rows ?? []), ...page.items]);
        setNext(page.next);
      })
      .catch((e: unknown) => {
        if (run.current === mine) setError(e);
      })
      .finally(() => {
        if (run.current === mine) setLoadingMore(false);
      });
  }, [path, next, loading, loadingMore]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const update = useCallback((fn: (rows: T[]) => T[]) => setData((rows) => (rows ? fn(rows) : rows)), []);
  return { data, error, loading, loadingMore, hasMore: next !== null, more, reload, update };
}
