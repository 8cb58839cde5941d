/**
 * Planning (health workers, vaccinators): sites, lots with their stock, sessions, invitations by priority through the
 * outbox, and the commune's call list of invited people without a phone.
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import './texts.ts';
import './vaccination.css';
import { ErrorMessage, SuccessMessage } from '../../components/ErrorMessage.tsx';
import { SelectField, TextField } from '../../components/Field.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { type PickedUnit, UnitPicker } from '../../components/UnitPicker.tsx';
import { api } from '../../lib/api.ts';
import { localDay } from '../../lib/time.ts';
import { useApiAction } from '../../lib/useApiAction.ts';
import { useApiGet } from '../../lib/useApiGet.ts';
import type {
  InvitationResult,
  LotList,
  PriorityGroupList,
  ProductList,
  RegistrationList,
  SessionList,
  SiteList,
} from '../../lib/vaccination-types.ts';

export default function PlanningPage() {
  const { t, i18n } = useTranslation();
  const sites = useApiGet<SiteList>('/vaccination/sites');
  const products = useApiGet<ProductList>('/vaccination/products');
  const lots = useApiGet<LotList>('/vaccination/lots');
  const sessions = useApiGet<SessionList>('/vaccination/sessions');
  const callList = useApiGet<RegistrationList>('/vaccination/registrations?status=invited&withoutPhone=true');
  // one write at a time on this page: every button waits while one is sent (a double tap made two sites)
  const action = useApiAction();
  const [done, setDone] = useState<string | null>(null);
  const [invited, setInvited] = useState<InvitationResult | null>(null);
  const [siteName, setSiteName] = useState('');
  const [unit, setUnit] = useState<PickedUnit | null>(null);
  const [siteId, setSiteId] = useState('');
  const [product, setProduct] = useState('comirnaty');
  const [lotNumber, setLotNumber] = useState('');
  const [expiresOn, setExpiresOn] = useState('');
  const [quantity, setQuantity] = useState('100');
  const [day, setDay] = useState(localDay());
  const [capacity, setCapacity] = useState('100');
  const site = siteId || sites.data?.items[0]?.id || '';
  const groups = useApiGet<PriorityGroupList>('/vaccination/priority-groups');
  const [walkIn, setWalkIn] = useState({
    nationalId: '',
    phone: '',
    name: '',
    birthYear: '',
    priorityGroup: 'general',
  });

  const run = (e: FormEvent, work: () => Promise<unknown>, message: string, reload: () => void) => {
    e.preventDefault();
    setDone(null);
    void action.run(async () => {
      const answer = await work();
      // a lot already past its expiry is recorded as expired (no dose is given from it): say so
      const expired = (answer as { expired?: boolean } | undefined)?.expired === true;
      setDone(expired ? t('vaccination.planning.lotCreatedExpired') : message);
      reload();
    });
  };

  return (
    <div className="vx-page">
      <PageTitle>{t('vaccination.nav.planning')}</PageTitle>
      <ErrorMessage error={action.error} />
      <SuccessMessage text={done} />
      <form
        className="card"
        aria-labelledby="vx-new-site"
        onSubmit={(e) =>
          run(
            e,
            () => api('POST', '/vaccination/sites', { name: siteName, unitCode: unit?.code ?? '' }),
            t('vaccination.planning.siteCreated'),
            sites.reload,
          )
        }
      >
        <h2 id="vx-new-site">{t('vaccination.planning.newSite')}</h2>
        <TextField
          label={t('vaccination.planning.siteName')}
          value={siteName}
          required
          onChange={(e) => setSiteName(e.target.value)}
        />
        <UnitPicker label={t('vaccination.planning.unit')} value={unit} onChange={setUnit} />
        <button type="submit" disabled={action.busy}>
          {t('vaccination.planning.create')}
        </button>
      </form>
      <form
        className="card"
        aria-labelledby="vx-walk-in"
        onSubmit={(e) =>
          run(
            e,
            () =>
              api('POST', '/vaccination/registrations', {
                subject: {
                  ...(walkIn.nationalId.trim()
                    ? { nationalId: walkIn.nationalId.trim() }
                    : { phone: walkIn.phone.trim() }),
                  ...(walkIn.name.trim() ? { name: walkIn.name.trim() } : {}),
                  // the birth year a dose needs (kept only where the person's record has none)
                  ...(walkIn.birthYear.trim() ? { birthYear: Number(walkIn.birthYear) } : {}),
                },
                priorityGroup: walkIn.priorityGroup,
              }),
            t('vaccination.planning.registered'),
            callList.reload,
          )
        }
      >
        <h2 id="vx-walk-in">{t('vaccination.planning.walkIn')}</h2>
        <TextField
          label={t('vaccination.planning.nationalId')}
          optional
          inputMode="numeric"
          value={walkIn.nationalId}
          onChange={(e) => setWalkIn({ ...walkIn, nationalId: e.target.value })}
        />
        <TextField
          label={t('vaccination.planning.phone')}
          optional
          type="tel"
          value={walkIn.phone}
          onChange={(e) => setWalkIn({ ...walkIn, phone: e.target.value })}
        />
        <TextField
          label={t('vaccination.planning.name')}
          value={walkIn.name}
          onChange={(e) => setWalkIn({ ...walkIn, name: e.target.value })}
        />
        <TextField
          label={t('vaccination.planning.birthYear')}
          optional
          type="number"
          inputMode="numeric"
          min={1880}
          max={Number(localDay().slice(0, 4))}
          value={walkIn.birthYear}
          onChange={(e) => setWalkIn({ ...walkIn, birthYear: e.target.value })}
        />
        <SelectField
          label={t('vaccination.mine.priorityGroup')}
          value={walkIn.priorityGroup}
          onChange={(e) => setWalkIn({ ...walkIn, priorityGroup: e.target.value })}
        >
          {(groups.data?.items ?? []).map((g) => (
            <option key={g.code} value={g.code}>
              {i18n.language === 'en' ? g.nameEn : g.nameVi}
            </option>
          ))}
        </SelectField>
        <button type="submit" disabled={action.busy}>
          {t('vaccination.planning.register')}
        </button>
      </form>
      <SelectField label={t('vaccination.site.site')} value={site} onChange={(e) => setSiteId(e.target.value)}>
        {(sites.data?.items ?? []).map((s) => (
          <option key={s.id} value={s.id}>
            {s.name} · {s.unitName}
          </option>
        ))}
      </SelectField>
      <form
        className="card"
        aria-labelledby="vx-new-lot"
        onSubmit={(e) =>
          run(
            e,
            () =>
              api('POST', '/vaccination/lots', {
                product,
                lotNumber,
                expiresOn,
                siteId: site,
                quantity: Number(quantity),
              }),
            t('vaccination.planning.lotCreated'),
            lots.reload,
          )
        }
      >
        <h2 id="vx-new-lot">{t('vaccination.planning.newLot')}</h2>
        <SelectField
          label={t('vaccination.planning.product')}
          value={product}
          onChange={(e) => setProduct(e.target.value)}
        >
          {(products.data?.items ?? []).map((p) => (
            <option key={p.code} value={p.code}>
              {p.name}
            </option>
          ))}
        </SelectField>
        <TextField
          label={t('vaccination.planning.lotNumber')}
          value={lotNumber}
          required
          onChange={(e) => setLotNumber(e.target.value)}
        />
        <TextField
          label={t('vaccination.planning.expiresOn')}
          type="date"
          value={expiresOn}
          required
          onChange={(e) => setExpiresOn(e.target.value)}
        />
        <TextField
          label={t('vaccination.planning.quantity')}
          type="number"
          min={1}
          value={quantity}
          onChange={(e) => setQuantity(e.target.value)}
        />
        <button type="submit" disabled={action.busy}>
          {t('vaccination.planning.create')}
        </button>
      </form>
      <form
        className="card"
        aria-labelledby="vx-new-session"
        onSubmit={(e) =>
          run(
            e,
            () => api('POST', '/vaccination/sessions', { siteId: site, day, capacity: Number(capacity), product }),
            t('vaccination.planning.sessionCreated'),
            sessions.reload,
          )
        }
      >
        <h2 id="vx-new-session">{t('vaccination.planning.newSession')}</h2>
        <TextField
          label={t('vaccination.planning.day')}
          type="date"
          value={day}
          onChange={(e) => setDay(e.target.value)}
        />
        <TextField
          label={t('vaccination.planning.capacity')}
          type="number"
          min={1}
          value={capacity}
          onChange={(e) => setCapacity(e.target.value)}
        />
        <button type="submit" disabled={action.busy}>
          {t('vaccination.planning.create')}
        </button>
      </form>
      <section className="card" aria-labelledby="vx-sessions">
        <h2 id="vx-sessions">{t('vaccination.planning.sessions')}</h2>
        <ul className="vx-list">
          {(sessions.data?.items ?? []).map((s) => (
            <li key={s.id} className="vx-session" data-session-id={s.id}>
              <span>
                {s.day} · {s.siteName} · {s.product} ·{' '}
                {t('vaccination.site.sessionLine', {
                  product: s.product,
                  invited: s.invited,
                  vaccinated: s.vaccinated,
                  capacity: s.capacity,
                })}
              </span>{' '}
              <button
                type="button"
                disabled={action.busy}
                onClick={() =>
                  void action.run(async () => {
                    setInvited(await api<InvitationResult>('POST', '/vaccination/invitations', { sessionId: s.id }));
                    sessions.reload();
                    callList.reload();
                  })
                }
              >
                {t('vaccination.planning.invite')}
              </button>
            </li>
          ))}
        </ul>
        {invited ? (
          <p role="status" className="vx-invited">
            {t('vaccination.planning.invited', {
              invited: invited.invited,
              messaged: invited.messaged,
              calls: invited.withoutPhone.length,
            })}
          </p>
        ) : null}
      </section>
      <section className="card" aria-labelledby="vx-calls">
        <h2 id="vx-calls">{t('vaccination.planning.callList')}</h2>
        <ul className="vx-list">
          {(callList.data?.items ?? []).map((r) => (
            <li key={r.id}>
              {r.name} · {r.sessionDay} · {r.siteName}
            </li>
          ))}
        </ul>
      </section>
      <section className="card" aria-labelledby="vx-lots">
        <h2 id="vx-lots">{t('vaccination.planning.lots')}</h2>
        <ul className="vx-list">
          {(lots.data?.items ?? []).map((l) => (
            <li key={l.id}>
              {l.siteName} · {l.product} · {l.lotNumber} · {l.expiresOn} ·{' '}
              {t('vaccination.site.left', { n: l.remaining })}
              {l.expired ? ` · ${t('vaccination.site.expired')}` : ''}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
