/**
 * The vaccination platform (issue 13); every table belongs to the vaccination module.
 *   - `vaccine_products`: products and their rules as data (doses in the primary series, minimum and recommended
 *     intervals, the products a next dose may be, booster interval, age limits) and their EU DCC value-set codes
 *     (the green pass reads them);
 *   - `vaccination_priority_groups`: the configurable priority list (rank orders invitations);
 *   - `vaccination_sites`, `vaccine_lots` (per site: expiry, quantity, what is left), `vaccination_sessions`;
 *   - `vaccination_registrations`: who waits for a dose (priority group, preferred site), invited to a session;
 *   - `vaccination_checklists` (versioned screening questions), `vaccination_screenings` (proceed/defer/refer);
 *   - `vaccination_doses`: every dose — recorded at a site, or declared as given elsewhere (pending until verified);
 *     `voided` doses stay, with who and why;
 *   - `vaccination_aefi`: adverse events following immunization, with severity;
 *   - `vaccination_evidence`: photos (card, certificate) as bytes, type-checked and size-limited;
 *   - `vaccination_corrections`: a citizen's request to correct a dose, the old and proposed values, the decision;
 *   - `vaccination_coverage`: per commune × age band × priority group, people with ≥ 1 dose / the full primary series
 *     / a booster and doses, written in the transaction that changes a person's doses (statistics never scan doses);
 *   - `vaccination_population`: residents per commune × age band (the coverage denominators), refreshed by a job;
 *   - `vaccination_cdc_contacts`: the phone of each district's CDC, told of serious AEFIs.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table vaccine_products (
      code text primary key check (code ~ '^[a-z0-9_-]{2,40}$'),
      name text not null,
      manufacturer text not null,
      platform text not null check (platform in ('mrna', 'viral_vector', 'inactivated', 'protein_subunit')),
      doses_in_primary_series integer not null check (doses_in_primary_series between 1 and 4),
      min_interval_days integer not null check (min_interval_days between 0 and 365),
      recommended_interval_days integer not null check (recommended_interval_days between 0 and 365),
      mix_with text[] not null default '{}',
      booster_products text[] not null default '{}',
      booster_min_interval_days integer not null default 90 check (booster_min_interval_days between 0 and 730),
      min_age_years integer not null default 18 check (min_age_years between 0 and 120),
      max_age_years integer check (max_age_years between 0 and 130),
      eu_product_code text not null,
      eu_manufacturer_code text not null,
      eu_prophylaxis_code text not null,
      active boolean not null default true
    );

    create table vaccination_priority_groups (
      code text primary key check (code ~ '^[a-z0-9_]{2,40}$'),
      rank integer not null,
      name_vi text not null,
      name_en text not null,
      active boolean not null default true
    );

    create table vaccination_sites (
      id uuid primary key default gen_random_uuid(),
      name text not null check (length(name) between 1 and 200),
      unit_code text not null references admin_units(code),
      unit_path text not null,
      address text,
      created_at timestamptz not null default now()
    );
    create index vaccination_sites_path_idx on vaccination_sites (unit_path text_pattern_ops);

    create table vaccine_lots (
      id uuid primary key default gen_random_uuid(),
      site_id uuid not null references vaccination_sites(id),
      product_code text not null references vaccine_products(code),
      lot_number text not null check (length(lot_number) between 1 and 40),
      expires_on date not null,
      quantity integer not null check (quantity between 0 and 10000000),
      used integer not null default 0 check (used >= 0),
      created_at timestamptz not null default now(),
      unique (site_id, lot_number)
    );

    create table vaccination_sessions (
      id uuid primary key default gen_random_uuid(),
      site_id uuid not null references vaccination_sites(id),
      day date not null,
      capacity integer not null check (capacity between 1 and 100000),
      product_code text not null references vaccine_products(code),
      created_at timestamptz not null default now()
    );
    create index vaccination_sessions_site_day_idx on vaccination_sessions (site_id, day);

    create table vaccination_registrations (
      id uuid primary key default gen_random_uuid(),
      person_id uuid not null references people(id),
      priority_group text not null references vaccination_priority_groups(code),
      priority_rank integer not null,
      site_id uuid references vaccination_sites(id),
      status text not null default 'waiting' check (status in ('waiting', 'invited', 'done', 'cancelled')),
      session_id uuid references vaccination_sessions(id),
      unit_code text,
      unit_path text,
      has_phone boolean not null,
      registered_by text not null,
      created_at timestamptz not null default now(),
      invited_at timestamptz
    );
    -- one open registration per person: a second one answers 409 with the first's id
    create unique index vaccination_registrations_open_idx on vaccination_registrations (person_id)
      where status in ('waiting', 'invited');
    create index vaccination_registrations_queue_idx on vaccination_registrations (status, priority_rank, created_at);
    create index vaccination_registrations_session_idx on vaccination_registrations (session_id);

    create table vaccination_checklists (
      version integer primary key check (version > 0),
      questions jsonb not null,
      published_at timestamptz not null default now()
    );

    create table vaccination_screenings (
      id uuid primary key default gen_random_uuid(),
      person_id uuid not null references people(id),
      site_id uuid not null references vaccination_sites(id),
      checklist_version integer not null references vaccination_checklists(version),
      answers jsonb not null,
      outcome text not null check (outcome in ('proceed', 'defer', 'refer')),
      recorded_by text not null,
      created_at timestamptz not null default now()
    );
    create index vaccination_screenings_person_idx on vaccination_screenings (person_id, created_at desc);

    create table vaccination_evidence (
      id uuid primary key default gen_random_uuid(),
      person_id uuid not null references people(id),
      content_type text not null check (content_type in ('image/jpeg', 'image/png', 'image/webp')),
      bytes bytea not null check (octet_length(bytes) between 1 and 2097152),
      uploaded_by text not null,
      created_at timestamptz not null default now()
    );

    create table vaccination_doses (
      id uuid primary key default gen_random_uuid(),
      person_id uuid not null references people(id),
      product_code text not null references vaccine_products(code),
      lot_id uuid references vaccine_lots(id),
      lot_number text,
      dose_number integer not null check (dose_number between 1 and 10),
      site_id uuid references vaccination_sites(id),
      given_at timestamptz not null,
      country text not null default 'VN' check (country ~ '^[A-Z]{2}$'),
      place text,
      source text not null check (source in ('site', 'declared')),
      status text not null check (status in ('valid', 'pending', 'rejected', 'voided')),
      commune_code text,
      unit_path text,
      age_band text not null,
      priority_group text not null,
      screening_id uuid references vaccination_screenings(id),
      evidence_id uuid references vaccination_evidence(id),
      recorded_by text not null,
      override_reason text,
      status_reason text,
      decided_by text,
      created_at timestamptz not null default now()
    );
    create index vaccination_doses_person_idx on vaccination_doses (person_id, given_at);
    create index vaccination_doses_given_idx on vaccination_doses (given_at);
    create index vaccination_doses_pending_idx on vaccination_doses (unit_path text_pattern_ops) where status = 'pending';

    create table vaccination_aefi (
      id uuid primary key default gen_random_uuid(),
      dose_id uuid not null references vaccination_doses(id),
      person_id uuid not null references people(id),
      severity text not null check (severity in ('mild', 'moderate', 'serious')),
      symptoms text[] not null,
      onset_at timestamptz not null,
      notes text,
      unit_path text not null,
      reported_by text not null,
      created_at timestamptz not null default now()
    );
    create index vaccination_aefi_path_idx on vaccination_aefi (unit_path text_pattern_ops, created_at);

    create table vaccination_corrections (
      id uuid primary key default gen_random_uuid(),
      dose_id uuid not null references vaccination_doses(id),
      person_id uuid not null references people(id),
      field text not null check (field in ('product', 'lot', 'givenAt', 'doseNumber', 'siteId')),
      old_value text,
      proposed_value text not null,
      evidence_id uuid references vaccination_evidence(id),
      status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
      reason text,
      site_path text not null,
      requested_by text not null,
      decided_by text,
      decided_at timestamptz,
      created_at timestamptz not null default now()
    );
    create index vaccination_corrections_pending_idx on vaccination_corrections (site_path text_pattern_ops)
      where status = 'pending';
    create index vaccination_corrections_dose_idx on vaccination_corrections (dose_id);

    create table vaccination_coverage (
      commune_code text not null,
      unit_path text,
      age_band text not null,
      priority_group text not null,
      people_dose1 integer not null default 0,
      people_full integer not null default 0,
      people_booster integer not null default 0,
      doses integer not null default 0,
      primary key (commune_code, age_band, priority_group)
    );

    create table vaccination_population (
      commune_code text not null,
      unit_path text,
      age_band text not null,
      people integer not null,
      refreshed_at timestamptz not null default now(),
      primary key (commune_code, age_band)
    );

    create table vaccination_cdc_contacts (
      district_code text primary key references admin_units(code),
      phone text not null
    );
  `.execute(db);

  // the defaults: products licensed in Viet Nam in 2021–22, with their rules and EU DCC value-set codes
  await sql`
    insert into vaccine_products (code, name, manufacturer, platform, doses_in_primary_series, min_interval_days,
      recommended_interval_days, mix_with, booster_products, booster_min_interval_days, min_age_years, max_age_years,
      eu_product_code, eu_manufacturer_code, eu_prophylaxis_code) values
    ('comirnaty', 'Comirnaty (Pfizer-BioNTech)', 'BioNTech Manufacturing GmbH', 'mrna', 2, 21, 21,
      '{spikevax,vaxzevria}', '{comirnaty,spikevax,vaxzevria}', 90, 12, null, 'EU/1/20/1528', 'ORG-100030215', '1119349007'),
    ('spikevax', 'Spikevax (Moderna)', 'Moderna Biotech Spain S.L.', 'mrna', 2, 28, 28,
      '{comirnaty,vaxzevria}', '{comirnaty,spikevax,vaxzevria}', 90, 12, null, 'EU/1/20/1507', 'ORG-100031184', '1119349007'),
    ('vaxzevria', 'Vaxzevria (AstraZeneca)', 'AstraZeneca AB', 'viral_vector', 2, 28, 56,
      '{comirnaty,spikevax}', '{comirnaty,spikevax,vaxzevria}', 90, 18, null, 'EU/1/21/1529', 'ORG-100001699', 'J07BX03'),
    ('vero_cell', 'Vero Cell (Sinopharm)', 'China Sinopharm International Corp. - Beijing location', 'inactivated', 2, 21, 28,
      '{}', '{comirnaty,spikevax,vaxzevria,vero_cell}', 90, 18, null, 'BBIBP-CorV', 'ORG-100020693', 'J07BX03'),
    ('abdala', 'Abdala (CIGB)', 'Center for Genetic Engineering and Biotechnology (CIGB)', 'protein_subunit', 3, 14, 14,
      '{}', '{abdala,comirnaty,spikevax}', 90, 18, null, 'Abdala', 'CIGB', 'J07BX03'),
    ('janssen', 'COVID-19 Vaccine Janssen', 'Janssen-Cilag International', 'viral_vector', 1, 0, 0,
      '{}', '{comirnaty,spikevax,janssen}', 60, 18, null, 'EU/1/20/1525', 'ORG-100001417', 'J07BX03');

    insert into vaccination_priority_groups (code, rank, name_vi, name_en) values
    ('health_workers', 1, 'Nhân viên y tế, lực lượng tuyến đầu chống dịch', 'Health workers and frontline epidemic staff'),
    ('frontline', 2, 'Quân đội, công an, lực lượng trực chốt', 'Army, police and checkpoint forces'),
    ('essential_services', 3, 'Người cung cấp dịch vụ thiết yếu', 'Essential service workers'),
    ('teachers', 4, 'Giáo viên, người làm việc tại cơ sở giáo dục', 'Teachers and school staff'),
    ('chronic_conditions', 5, 'Người mắc bệnh nền', 'People with chronic conditions'),
    ('age_65_plus', 6, 'Người từ 65 tuổi trở lên', 'People aged 65 and over'),
    ('industrial_workers', 7, 'Công nhân khu công nghiệp', 'Industrial-park workers'),
    ('welfare', 8, 'Người nghèo, đối tượng chính sách xã hội', 'Poor households and social-welfare beneficiaries'),
    ('general', 9, 'Người dân từ 18 tuổi trở lên', 'Other adults');
  `.execute(db);

  // screening checklist version 1 (after the Ministry of Health's pre-vaccination screening form): a "yes" to a
  // question defers the dose or refers the person to a hospital; the worst answer decides
  const questions = [
    {
      id: 'anaphylaxis',
      outcome: 'refer',
      vi: 'Tiền sử phản vệ từ độ 2 trở lên?',
      en: 'History of grade 2+ anaphylaxis?',
    },
    {
      id: 'previous_dose_reaction',
      outcome: 'refer',
      vi: 'Phản ứng nặng sau mũi tiêm trước?',
      en: 'Severe reaction after a previous dose?',
    },
    {
      id: 'acute_illness',
      outcome: 'defer',
      vi: 'Đang sốt hoặc mắc bệnh cấp tính?',
      en: 'Fever or an acute illness now?',
    },
    {
      id: 'covid_recent',
      outcome: 'defer',
      vi: 'Mắc COVID-19 trong 3 tháng qua?',
      en: 'COVID-19 in the last 3 months?',
    },
    {
      id: 'other_vaccine',
      outcome: 'defer',
      vi: 'Tiêm vắc xin khác trong 14 ngày qua?',
      en: 'Another vaccine in the last 14 days?',
    },
    {
      id: 'immunosuppressed',
      outcome: 'refer',
      vi: 'Suy giảm miễn dịch, đang điều trị ung thư?',
      en: 'Immunosuppressed or on cancer treatment?',
    },
    { id: 'pregnant', outcome: 'refer', vi: 'Đang mang thai?', en: 'Pregnant?' },
    {
      id: 'bleeding_disorder',
      outcome: 'refer',
      vi: 'Rối loạn đông máu, giảm tiểu cầu?',
      en: 'Bleeding disorder or low platelets?',
    },
  ];
  await sql`insert into vaccination_checklists (version, questions) values (1, ${JSON.stringify(questions)}::jsonb)`.execute(
    db,
  );
}
