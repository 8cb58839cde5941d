/**
 * "Show more" under a paged list (useApiPages): loads the next page from the server. Absent on the last page; busy
 * while a page loads. The status line above the list (ListStatus with `common.shownMore`) says that more follow.
 */
import { useTranslation } from 'react-i18next';

interface Props {
  list: { hasMore: boolean; loadingMore: boolean; more: () => void };
}

export function MoreButton({ list }: Props) {
  const { t } = useTranslation();
  if (!list.hasMore) return null;
  return (
    <p className="more-row">
      <button
        type="button"
        className="button button-secondary"
        disabled={list.loadingMore}
        aria-busy={list.loadingMore}
        onClick={list.more}
      >
        {list.loadingMore ? t('common.loading') : t('common.more')}
      </button>
    </p>
  );
}
