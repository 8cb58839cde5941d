/**
 * The line above a list loaded with useApiGet: its error, "Loading…", then the empty text or the count. One polite
 * live region, so a screen reader hears the new count after a filter. While a shown list reloads, "Loading…" takes
 * the place of the status line; a list without one stays as it is (no line pops in above its rows).
 */
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from './ErrorMessage.tsx';
import { Loading } from './Loading.tsx';

interface Props {
  /** what useApiGet returned for the list */
  list: { data?: readonly unknown[] | undefined; error: unknown; loading: boolean };
  /** i18n key of the text for an empty list */
  empty?: string;
  /** i18n key of the count line (`{{count}}`), for a non-empty list, or any list when `empty` is not given */
  count?: string;
}

export function ListStatus({ list, empty, count }: Props) {
  const { t } = useTranslation();
  const n = list.data?.length;
  const line = n === undefined ? null : n === 0 && empty ? t(empty) : count ? t(count, { count: n }) : null;
  return (
    <>
      <ErrorMessage error={list.error} />
      <div aria-live="polite">
        {list.loading && (n === undefined || line !== null) ? (
          <Loading />
        ) : line !== null ? (
          <p className="muted">{line}</p>
        ) : null}
      </div>
    </>
  );
}
