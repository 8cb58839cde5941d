/**
 * Registering a venue: citizens for themselves (they become its manager), staff on someone's behalf (the
 * manager's phone). Events (weddings, funerals) need their time window; vehicles a plate and a route.
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { SelectField, TextField } from '../../components/Field.tsx';
import { type PickedUnit, UnitPicker } from '../../components/UnitPicker.tsx';
import { api } from '../../lib/api.ts';
import type { CreatedVenue, CreateVenueBody, VenueCategory } from '../../lib/api-types.ts';
import { VENUE_CATEGORIES } from '../../lib/api-values.ts';
import { fromLocalInput } from '../../lib/time.ts';
import { useApiAction } from '../../lib/useApiAction.ts';

function positiveInt(text: string, max: number): number | undefined | null {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  if (!/^\d+$/.test(trimmed)) return null;
  const n = Number(trimmed);
  return n >= 1 && n <= max ? n : null;
}

export function VenueForm({
  onCreated,
  onBehalf = false,
}: {
  onCreated: (venue: CreatedVenue, name: string) => void;
  /** staff registering for someone: asks for the manager's phone */
  onBehalf?: boolean;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [category, setCategory] = useState<VenueCategory | ''>('');
  const [unit, setUnit] = useState<PickedUnit | null>(null);
  const [address, setAddress] = useState('');
  const [stay, setStay] = useState('');
  const [capacity, setCapacity] = useState('');
  const [qrMode, setQrMode] = useState<'static' | 'rotating'>('static');
  const [rotatingMinutes, setRotatingMinutes] = useState('5');
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState('');
  const [plate, setPlate] = useState('');
  const [route, setRoute] = useState('');
  const [zones, setZones] = useState('');
  const [managerPhone, setManagerPhone] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const save = useApiAction();

  const isEvent = category === 'wedding_funeral';
  const isVehicle = category === 'public_transport';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.reset();
    const problems: Record<string, string> = {};
    if (!name.trim()) problems.name = t('errors.required');
    if (!category) problems.category = t('checkins.venueForm.categoryRequired');
    if (!unit) problems.unit = t('errors.unitRequired');
    if (!address.trim()) problems.address = t('errors.required');
    const stayMinutes = positiveInt(stay, 1440);
    if (stayMinutes === null) problems.stay = t('checkins.venueForm.badNumber', { max: 1440 });
    const cap = positiveInt(capacity, 1_000_000);
    if (cap === null) problems.capacity = t('checkins.venueForm.badNumber', { max: 1000000 });
    const rotating = qrMode === 'rotating' ? positiveInt(rotatingMinutes, 60) : undefined;
    if (rotating === null) problems.rotatingMinutes = t('checkins.venueForm.badNumber', { max: 60 });
    // read as Việt Nam time like every other time the app takes, whatever zone the device is set to
    const starts = fromLocalInput(startsAt);
    const ends = fromLocalInput(endsAt);
    if (isEvent && !starts) problems.startsAt = t('errors.required');
    if (isEvent && !ends) problems.endsAt = t('errors.required');
    if (starts && ends && ends <= starts) problems.endsAt = t('checkins.venueForm.endsBeforeStart');
    if (onBehalf && !managerPhone.trim()) problems.managerPhone = t('errors.required');
    setFieldErrors(problems);
    if (Object.keys(problems).length > 0 || !unit || !category) return;
    const zoneList = zones
      .split(/[\n,]/)
      .map((z) => z.trim())
      .filter(Boolean);
    void save.run(async () => {
      const created = await api<CreatedVenue>('POST', '/venues', {
        name: name.trim(),
        category,
        unitCode: unit.code,
        address: address.trim(),
        ...(stayMinutes ? { defaultStayMinutes: stayMinutes } : {}),
        ...(cap ? { capacity: cap } : {}),
        qrMode,
        ...(rotating ? { rotatingMinutes: rotating } : {}),
        ...(starts && (isEvent || isVehicle) ? { startsAt: starts } : {}),
        ...(ends && (isEvent || isVehicle) ? { endsAt: ends } : {}),
        ...(isVehicle && plate.trim() ? { vehiclePlate: plate.trim() } : {}),
        ...(isVehicle && route.trim() ? { route: route.trim() } : {}),
        ...(zoneList.length > 0 ? { zones: zoneList } : {}),
        ...(onBehalf && managerPhone.trim() ? { managerPhone: managerPhone.trim() } : {}),
      } satisfies CreateVenueBody);
      onCreated(created, name.trim());
    });
  };

  return (
    <form className="card ck-form" onSubmit={submit} noValidate aria-labelledby="ck-venue-form-title">
      <h2 id="ck-venue-form-title">
        {onBehalf ? t('checkins.venueForm.titleOnBehalf') : t('checkins.venueForm.title')}
      </h2>
      <TextField
        label={t('checkins.venueForm.name')}
        required
        value={name}
        error={fieldErrors.name}
        onChange={(e) => setName(e.target.value)}
      />
      <SelectField
        label={t('checkins.venueForm.category')}
        required
        value={category}
        error={fieldErrors.category}
        onChange={(e) => setCategory(e.target.value as VenueCategory | '')}
      >
        <option value="">{t('checkins.venueForm.chooseCategory')}</option>
        {VENUE_CATEGORIES.map((c) => (
          <option key={c} value={c}>
            {t(`checkins.categories.${c}`)}
          </option>
        ))}
      </SelectField>
      <UnitPicker
        label={t('checkins.venueForm.unit')}
        hint={t('checkins.venueForm.unitHint')}
        required
        value={unit}
        onChange={setUnit}
        error={fieldErrors.unit}
      />
      <TextField
        label={t('checkins.venueForm.address')}
        required
        autoComplete="street-address"
        value={address}
        error={fieldErrors.address}
        onChange={(e) => setAddress(e.target.value)}
      />
      {onBehalf ? (
        <TextField
          label={t('checkins.venueForm.managerPhone')}
          hint={t('checkins.venueForm.managerPhoneHint')}
          type="tel"
          required
          value={managerPhone}
          error={fieldErrors.managerPhone}
          onChange={(e) => setManagerPhone(e.target.value)}
        />
      ) : null}
      {isEvent || isVehicle ? (
        <div className="field-row">
          <TextField
            label={t('checkins.venueForm.startsAt')}
            type="datetime-local"
            optional={!isEvent}
            value={startsAt}
            error={fieldErrors.startsAt}
            onChange={(e) => setStartsAt(e.target.value)}
          />
          <TextField
            label={t('checkins.venueForm.endsAt')}
            type="datetime-local"
            optional={!isEvent}
            value={endsAt}
            error={fieldErrors.endsAt}
            onChange={(e) => setEndsAt(e.target.value)}
          />
        </div>
      ) : null}
      {isVehicle ? (
        <div className="field-row">
          <TextField
            label={t('checkins.venueForm.plate')}
            optional
            value={plate}
            onChange={(e) => setPlate(e.target.value)}
          />
          <TextField
            label={t('checkins.venueForm.route')}
            optional
            value={route}
            onChange={(e) => setRoute(e.target.value)}
          />
        </div>
      ) : null}
      <div className="field-row">
        <TextField
          label={t('checkins.venueForm.stay')}
          hint={t('checkins.venueForm.stayHint')}
          optional
          inputMode="numeric"
          value={stay}
          error={fieldErrors.stay}
          onChange={(e) => setStay(e.target.value)}
        />
        <TextField
          label={t('checkins.venueForm.capacity')}
          optional
          inputMode="numeric"
          value={capacity}
          error={fieldErrors.capacity}
          onChange={(e) => setCapacity(e.target.value)}
        />
      </div>
      <TextField
        label={t('checkins.venueForm.zones')}
        hint={t('checkins.venueForm.zonesHint')}
        optional
        value={zones}
        onChange={(e) => setZones(e.target.value)}
      />
      <fieldset className="field">
        <legend>{t('checkins.venueForm.qrMode')}</legend>
        <label className="ck-radio">
          <input
            type="radio"
            name="ck-qr-mode"
            value="static"
            checked={qrMode === 'static'}
            onChange={() => setQrMode('static')}
          />{' '}
          {t('checkins.venueForm.qrStatic')}
        </label>
        <label className="ck-radio">
          <input
            type="radio"
            name="ck-qr-mode"
            value="rotating"
            checked={qrMode === 'rotating'}
            onChange={() => setQrMode('rotating')}
          />{' '}
          {t('checkins.venueForm.qrRotating')}
        </label>
      </fieldset>
      {qrMode === 'rotating' ? (
        <TextField
          label={t('checkins.venueForm.rotatingMinutes')}
          inputMode="numeric"
          value={rotatingMinutes}
          error={fieldErrors.rotatingMinutes}
          onChange={(e) => setRotatingMinutes(e.target.value)}
        />
      ) : null}
      <ErrorMessage error={save.error} />
      <button type="submit" className="button" disabled={save.busy}>
        {save.busy ? t('common.saving') : t('checkins.venueForm.submit')}
      </button>
    </form>
  );
}
