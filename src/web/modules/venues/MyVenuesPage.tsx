/** Citizen: "Địa điểm của tôi" — register a venue (becoming its manager) and run the ones I manage. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SuccessMessage } from '../../components/ErrorMessage.tsx';
import { ListStatus } from '../../components/ListStatus.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import type { VenueView } from '../../lib/api-types.ts';
import { useApiGet } from '../../lib/useApiGet.ts';
import { VenueCard } from './VenueCard.tsx';
import { VenueForm } from './VenueForm.tsx';

export function MyVenuesPage() {
  const { t } = useTranslation();
  const venues = useApiGet<VenueView[]>('/venues');
  const { data, reload } = venues;
  const [formOpen, setFormOpen] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const showForm = formOpen || (data !== undefined && data.length === 0);

  return (
    <div className="ck-page">
      <PageTitle>{t('checkins.myVenues.title')}</PageTitle>
      <p className="lead">{t('checkins.myVenues.intro')}</p>
      <SuccessMessage text={created} />
      <ListStatus list={venues} />
      {showForm ? (
        <VenueForm
          onCreated={(_venue, name) => {
            setCreated(t('checkins.myVenues.created', { name }));
            setFormOpen(false);
            reload();
          }}
        />
      ) : (
        <p>
          <button type="button" className="button" onClick={() => setFormOpen(true)}>
            {t('checkins.myVenues.add')}
          </button>
        </p>
      )}
      {(data ?? []).map((venue) => (
        <VenueCard key={venue.id} venue={venue} />
      ))}
    </div>
  );
}
