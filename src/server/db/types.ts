/**
 * Table types for Kysely, one interface per table (snake_case columns as in SQL). Kept by hand beside the
 * migrations: every migration that changes a table changes its interface here in the same commit
 * (types.int.test.ts compares tables, columns and nullability with a freshly migrated schema).
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type TimestampRequired = ColumnType<Date, Date | string, Date | string>;
type Json<T = Record<string, unknown>> = ColumnType<T, string | T, string | T>;

export interface AdminUnitsTable {
  code: string;
  parent_code: string | null;
  level: number;
  type: string;
  name: string;
  name_search: string;
  path: string;
  is_hamlet: Generated<boolean>;
  created_at: Timestamp;
}

export interface HouseholdsTable {
  id: Generated<string>;
  unit_code: string;
  address: string | null;
  created_at: Timestamp;
}

export interface PeopleTable {
  id: Generated<string>;
  national_id: string | null;
  phone: string | null;
  name: Generated<string>;
  birth_year: number | null;
  birth_date: string | null;
  sex: 'male' | 'female' | 'other' | null;
  unit_code: string | null;
  address: string | null;
  household_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CitizenAccountsTable {
  phone: string;
  person_id: string;
  created_at: Timestamp;
}

export interface DependantsTable {
  guardian_id: string;
  dependant_id: string;
  relation: string;
  created_at: Timestamp;
}

/** Failed sign-ins of usernames without an account (migration 0016), so they lock like an account's. */
export interface LoginThrottleTable {
  username_hash: string;
  failed_logins: Generated<number>;
  locked_until: Date | null;
  updated_at: Generated<Timestamp>;
}

export interface StaffUsersTable {
  id: Generated<string>;
  username: string;
  display_name: Generated<string>;
  password_hash: string;
  totp_secret: string | null;
  totp_enabled: Generated<boolean>;
  totp_last_step: number | null;
  disabled: Generated<boolean>;
  failed_logins: Generated<number>;
  locked_until: Date | null;
  /** set: the password hash is an administrator's one-time reset code, good only to choose a new password until then */
  password_reset_expires_at: Date | null;
  created_at: Timestamp;
}

export interface StaffGrantsTable {
  id: Generated<string>;
  user_id: string;
  role: string;
  unit_code: string | null;
  created_at: Timestamp;
}

export interface SessionsTable {
  id: Generated<string>;
  token_hash: string;
  kind: 'staff' | 'citizen';
  user_id: string | null;
  person_id: string | null;
  created_at: Timestamp;
  expires_at: TimestampRequired;
  revoked_at: Date | null;
}

export interface OtpCodesTable {
  phone: string;
  code_hash: string;
  expires_at: TimestampRequired;
  attempts: Generated<number>;
  locked_until: Date | null;
  sends_in_window: Generated<number>;
  window_started_at: Timestamp;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: TimestampRequired;
  actor_type: string;
  actor_id: string | null;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  unit_code: string | null;
  outcome: string;
  details: Json;
  prev_hash: string;
  hash: string;
}

export interface JobsTable {
  id: Generated<number>;
  topic: string;
  payload: Json;
  run_at: Timestamp;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  status: Generated<'pending' | 'running' | 'done' | 'failed'>;
  locked_at: Date | null;
  last_error: string | null;
  created_at: Timestamp;
  done_at: Date | null;
}

export interface NotifyFakeMessagesTable {
  id: Generated<number>;
  channel: string;
  recipient: string;
  text: string;
  created_at: Timestamp;
}

export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  request_hash: string;
  status_code: number;
  response: Json<unknown>;
  created_at: Timestamp;
}

export interface SigningKeysTable {
  kid: string;
  purpose: string;
  secret: string;
  created_at: Timestamp;
  retired_at: Date | null;
}

export interface VenuesTable {
  id: Generated<string>;
  short_code: string;
  name: string;
  category: string;
  unit_code: string;
  address: string;
  lat: number | null;
  lng: number | null;
  default_stay_minutes: Generated<number>;
  capacity: number | null;
  qr_mode: Generated<'static' | 'rotating'>;
  rotating_minutes: Generated<number>;
  qr_version: Generated<number>;
  qr_previous_version: number | null;
  qr_grace_until: Date | null;
  starts_at: Date | null;
  ends_at: Date | null;
  vehicle_plate: string | null;
  route: string | null;
  parent_venue_id: string | null;
  active: Generated<boolean>;
  /** verified by the commune (migration 0013): only then may its managers type people in */
  verified_at: Date | null;
  verified_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** One-time codes sent to a person's phone at a venue's door (migration 0013): one row per send. */
export interface DoorCodesTable {
  id: Generated<string>;
  venue_id: string;
  phone: string;
  code_hash: string;
  expires_at: TimestampRequired;
  attempts: Generated<number>;
  spent_at: Date | null;
  created_at: Timestamp;
}

export interface VenueZonesTable {
  id: Generated<string>;
  venue_id: string;
  name: string;
}

export interface VenueManagersTable {
  venue_id: string;
  person_id: string;
  created_at: Timestamp;
}

export type CheckinMethod = 'citizen_scan' | 'short_code' | 'staff_scan' | 'staff_manual' | 'bulk';
/** How a check-in proves the person was there (migration 0014); `typed_unverified` is the only weak one. */
export type CheckinEvidence = 'qr_self' | 'qr_personal' | 'otp' | 'typed_staff' | 'typed_unverified';

export interface CheckinsTable {
  id: Generated<string>;
  venue_id: string;
  zone_id: string | null;
  person_id: string;
  checked_in_at: TimestampRequired;
  checked_out_at: Date | null;
  implied_out_at: TimestampRequired;
  method: CheckinMethod;
  actor_type: string;
  actor_id: string | null;
  unit_code: string;
  evidence: Generated<CheckinEvidence>;
  created_at: Timestamp;
}

export interface TracingRulesTable {
  version: number;
  lookback_days: number;
  min_overlap_minutes: number;
  include_f2: boolean;
  f1_quarantine_days: number;
  f1_quarantine_kind: 'home' | 'facility';
  created_at: Timestamp;
  created_by: string | null;
}

export interface CaseCountersTable {
  province_code: string;
  last_number: number;
}

export type CaseStatus =
  | 'suspected'
  | 'confirmed'
  | 'isolating'
  | 'treated_home'
  | 'treated_field_hospital'
  | 'treated_hospital'
  | 'recovered'
  | 'died';

export interface CasesTable {
  id: Generated<string>;
  display_code: string;
  person_id: string;
  unit_code: string | null;
  status: CaseStatus;
  confirmed_at: Date | null;
  onset_at: Date | null;
  sample_at: Date | null;
  isolated_at: Date | null;
  closed_at: Date | null;
  source_case_id: string | null;
  source_note: string | null;
  origin: 'tracer' | 'test_result';
  origin_ref: string | null;
  rule_version: number;
  traced_at: Date | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type ContactVia = 'venue' | 'household' | 'manual' | 'ble';
export type FollowUp = 'identified' | 'notified' | 'reached' | 'tested' | 'quarantined' | 'released';
/** confirmed: acted on (order, message); pending: found only through weak evidence, "to confirm"; dismissed */
export type ContactConfirmation = 'confirmed' | 'pending' | 'dismissed';

export interface ContactsTable {
  id: Generated<string>;
  case_id: string;
  person_id: string;
  degree: number;
  via_type: ContactVia;
  venue_id: string | null;
  zone_id: string | null;
  overlap_start: Date | null;
  overlap_end: Date | null;
  overlap_minutes: number | null;
  through_person_id: string | null;
  note: string | null;
  rule_version: number;
  unit_code: string | null;
  follow_up: Generated<FollowUp>;
  confirmation: ContactConfirmation;
  assigned_tracer_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type QuarantineStatus = 'active' | 'released' | 'cancelled';

export interface QuarantineOrdersTable {
  id: Generated<string>;
  person_id: string;
  case_id: string;
  kind: 'home' | 'facility';
  starts_on: string;
  ends_on: string;
  status: Generated<QuarantineStatus>;
  unit_code: string | null;
  created_at: Timestamp;
}

/** A view over `contacts`: per (person, case), the strongest evidence (migration 0011). */
export interface ExposureNoticesTable {
  id: string;
  person_id: string;
  case_id: string;
  degree: number;
  venue_id: string | null;
  exposure_start: Date | null;
  exposure_end: Date | null;
  kind: 'venue' | 'household' | 'manual' | 'ble' | 'advisory';
  created_at: Date;
}

/** Exposure notification (migration 0018): bytea columns read as Buffer (pg) or Uint8Array (PGlite). */
export interface EnVerificationCodesTable {
  id: Generated<string>;
  code_hash: string;
  case_id: string;
  person_id: string;
  unit_code: string | null;
  issued_by: string | null;
  created_at: Timestamp;
  expires_at: TimestampRequired;
  verified_at: Date | null;
  token_expires_at: Date | null;
  uploaded_at: Date | null;
  upload_hash: string | null;
  upload_inserted: number | null;
}

export interface EnDiagnosisKeysTable {
  key_data: Uint8Array;
  rolling_start_interval: number;
  rolling_period: number;
  transmission_risk: number;
  report_type: number;
  days_since_onset: number | null;
  region: string;
  verification_id: string;
  received_at: TimestampRequired;
  batch_id: number | null;
}

export interface EnExportBatchesTable {
  id: Generated<number>;
  path: string;
  region: string;
  start_timestamp: TimestampRequired;
  end_timestamp: TimestampRequired;
  key_count: number;
  padding_count: number;
  zip: Uint8Array;
  created_at: Timestamp;
}

export interface EnSigningKeysTable {
  id: Generated<number>;
  key_id: string;
  key_version: string;
  private_key_pem: string;
  public_key_pem: string;
  created_at: Timestamp;
  retired_at: Date | null;
}

export interface EnMatchReportsTable {
  id: Generated<string>;
  case_id: string;
  person_id: string;
  verification_id: string | null;
  first_seen_at: TimestampRequired;
  last_seen_at: TimestampRequired;
  minutes: number;
  risk: number;
  min_attenuation: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Testing platform (migration 0019): labs, campaigns, tubes and their people, results, shipments, tasks. */
export type SampleKind = 'rt-pcr' | 'rt-pcr-pool' | 'antigen';
export type SampleStatus = 'collected' | 'shipped' | 'received' | 'rejected' | 'resulted';
export type SampleResultValue = 'positive' | 'negative' | 'invalid';

export interface LabsTable {
  id: Generated<string>;
  name: string;
  unit_code: string;
  active: Generated<boolean>;
  created_at: Timestamp;
}

export interface LabApiKeysTable {
  id: Generated<string>;
  lab_id: string;
  key_hash: string;
  label: string;
  created_by: string | null;
  created_at: Timestamp;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export interface TestingSettingsTable {
  id: Generated<number>;
  pool_max: Generated<number>;
  antigen_opens_case: Generated<boolean>;
  f1_test_days: Generated<number[]>;
  updated_at: Timestamp;
  updated_by: string | null;
}

export interface TestCampaignsTable {
  id: Generated<string>;
  name: string;
  unit_code: string;
  starts_on: string;
  ends_on: string;
  round: Generated<number>;
  pool_max: number | null;
  created_by: string | null;
  created_at: Timestamp;
}

export interface TestCampaignTargetsTable {
  campaign_id: string;
  unit_code: string;
  target: number;
  adjusted: Generated<boolean>;
}

export interface TestPointsTable {
  id: Generated<string>;
  campaign_id: string;
  name: string;
  unit_code: string;
  address: string | null;
  team: string | null;
  created_at: Timestamp;
}

export interface ShipmentsTable {
  id: Generated<string>;
  lab_id: string;
  unit_code: string;
  status: Generated<'sent' | 'received'>;
  created_by: string | null;
  created_at: Timestamp;
  received_at: Date | null;
}

export interface SamplesTable {
  id: Generated<string>;
  barcode: string;
  kind: SampleKind;
  status: Generated<SampleStatus>;
  unit_code: string;
  campaign_id: string | null;
  point_id: string | null;
  member_count: number;
  collected_at: TimestampRequired;
  collected_by: string | null;
  created_at: Timestamp;
  shipment_id: string | null;
  lab_id: string | null;
  received_at: Date | null;
  rejected_reason: 'leaked' | 'unlabelled' | 'too_old' | 'insufficient' | 'other' | null;
  rejected_note: string | null;
  result: SampleResultValue | null;
  ct: number | null;
  tested_at: Date | null;
  resulted_at: Date | null;
  result_id: string | null;
}

export interface SampleMembersTable {
  sample_id: string;
  person_id: string;
  position: number;
  unit_code: string | null;
}

export interface SampleResultsTable {
  id: Generated<string>;
  sample_id: string;
  result: SampleResultValue;
  ct: number | null;
  tested_at: TimestampRequired;
  lab_id: string;
  source: 'entry' | 'import' | 'api' | 'correction';
  corrects_id: string | null;
  reason: string | null;
  recorded_by: string | null;
  recorded_at: Timestamp;
  notified_at: Date | null;
}

export interface TestTasksTable {
  id: Generated<string>;
  person_id: string;
  unit_code: string | null;
  reason: 'pool_positive' | 'invalid_result' | 'rejected_sample' | 'quarantine';
  due_on: string;
  source_sample_id: string | null;
  quarantine_order_id: string | null;
  day: number | null;
  status: Generated<'open' | 'done' | 'cancelled'>;
  done_sample_id: string | null;
  created_at: Timestamp;
  done_at: Date | null;
}

export interface TestingDailyStatsTable {
  day: string;
  unit_code: string;
  kind: SampleKind;
  tubes: Generated<number>;
  people: Generated<number>;
  positive_tubes: Generated<number>;
  positive_people: Generated<number>;
  invalid_tubes: Generated<number>;
}

export type DeclarationType = 'domestic' | 'entry';
export type DeclarationStatus = 'ok' | 'flagged';
export type HealthTaskStatus = 'new' | 'called' | 'tested' | 'closed';
export type EnterpriseLevel = 'very_low' | 'low' | 'medium' | 'high' | 'very_high';

export interface DeclarationFormsTable {
  type: DeclarationType;
  version: number;
  questions: Json<unknown>;
  rules: Json<unknown>;
  grace_hours: Generated<number>;
  published_at: Timestamp;
  published_by: string | null;
}

export interface DeclarationsTable {
  id: Generated<string>;
  person_id: string;
  type: DeclarationType;
  form_version: number;
  answers: Json<unknown>;
  status: DeclarationStatus;
  reasons: Generated<string[]>;
  via: 'app' | 'staff' | 'partner';
  actor_type: string;
  actor_id: string;
  partner_id: string | null;
  unit_code: string | null;
  commune_code: string | null;
  day: string;
  declared_at: Timestamp;
}

export interface DeclarationBadgesTable {
  person_id: string;
  day: string;
  status: DeclarationStatus;
  declaration_id: string;
  updated_at: Timestamp;
}

export interface HealthTasksTable {
  id: Generated<string>;
  person_id: string;
  declaration_id: string;
  unit_code: string | null;
  unit_path: string | null;
  reason: string;
  reasons: string[];
  status: Generated<HealthTaskStatus>;
  assigned_to: string | null;
  notes: Json<unknown>;
  due_at: TimestampRequired;
  created_at: Timestamp;
  updated_at: Timestamp;
  closed_at: Date | null;
}

export interface DeclarationDailyStatsTable {
  day: string;
  commune_code: string;
  unit_path: string | null;
  declarations: Generated<number>;
  people: Generated<number>;
  flagged: Generated<number>;
  symptom: Generated<number>;
  exposure: Generated<number>;
  entry_area: Generated<number>;
  case_or_quarantine: Generated<number>;
}

export interface DeclarationVenueRulesTable {
  venue_id: string;
  require_today: boolean;
  set_by: string;
  set_at: Timestamp;
}

export interface DeclarationPartnersTable {
  id: Generated<string>;
  name: string;
  key_hash: string;
  rate_per_minute: number;
  unit_code: string | null;
  active: Generated<boolean>;
  created_by: string | null;
  created_at: Timestamp;
}

export interface PartnerPhoneCodesTable {
  id: Generated<string>;
  partner_id: string;
  phone: string;
  code_hash: string;
  expires_at: TimestampRequired;
  attempts: Generated<number>;
  spent_at: Date | null;
  created_at: Timestamp;
}

export interface PartnerVerifiedPhonesTable {
  partner_id: string;
  phone: string;
  verified_at: Timestamp;
}

export interface EnterpriseCriteriaTable {
  version: number;
  questions: Json<unknown>;
  bands: Json<unknown>;
  valid_days: number;
  published_at: Timestamp;
  published_by: string | null;
}

export interface EnterprisesTable {
  id: Generated<string>;
  name: string;
  tax_code: string;
  unit_code: string;
  unit_path: string;
  industrial_park: string | null;
  address: string | null;
  workers: number;
  shifts: Generated<number>;
  owner_person_id: string | null;
  created_by: string;
  reassess_required_at: Date | null;
  created_at: Timestamp;
}

export interface EnterpriseAssessmentsTable {
  id: Generated<string>;
  enterprise_id: string;
  criteria_version: number;
  answers: Json<unknown>;
  score: number;
  level: EnterpriseLevel;
  valid_until: TimestampRequired;
  actor_type: string;
  actor_id: string;
  created_at: Timestamp;
}

export interface EnterpriseInspectionsTable {
  id: Generated<string>;
  enterprise_id: string;
  inspector_id: string;
  findings: string;
  passed: boolean;
  require_reassessment: Generated<boolean>;
  created_at: Timestamp;
}

export interface DB {
  admin_units: AdminUnitsTable;
  households: HouseholdsTable;
  people: PeopleTable;
  citizen_accounts: CitizenAccountsTable;
  dependants: DependantsTable;
  staff_users: StaffUsersTable;
  login_throttle: LoginThrottleTable;
  staff_grants: StaffGrantsTable;
  sessions: SessionsTable;
  otp_codes: OtpCodesTable;
  audit_log: AuditLogTable;
  jobs: JobsTable;
  notify_fake_messages: NotifyFakeMessagesTable;
  idempotency_keys: IdempotencyKeysTable;
  signing_keys: SigningKeysTable;
  venues: VenuesTable;
  venue_zones: VenueZonesTable;
  venue_managers: VenueManagersTable;
  door_codes: DoorCodesTable;
  checkins: CheckinsTable;
  tracing_rules: TracingRulesTable;
  case_counters: CaseCountersTable;
  cases: CasesTable;
  contacts: ContactsTable;
  quarantine_orders: QuarantineOrdersTable;
  exposure_notices: ExposureNoticesTable;
  en_verification_codes: EnVerificationCodesTable;
  en_diagnosis_keys: EnDiagnosisKeysTable;
  en_export_batches: EnExportBatchesTable;
  en_signing_keys: EnSigningKeysTable;
  en_match_reports: EnMatchReportsTable;
  labs: LabsTable;
  lab_api_keys: LabApiKeysTable;
  testing_settings: TestingSettingsTable;
  test_campaigns: TestCampaignsTable;
  test_campaign_targets: TestCampaignTargetsTable;
  test_points: TestPointsTable;
  shipments: ShipmentsTable;
  samples: SamplesTable;
  sample_members: SampleMembersTable;
  sample_results: SampleResultsTable;
  test_tasks: TestTasksTable;
  testing_daily_stats: TestingDailyStatsTable;
  declaration_forms: DeclarationFormsTable;
  declarations: DeclarationsTable;
  declaration_badges: DeclarationBadgesTable;
  health_tasks: HealthTasksTable;
  declaration_daily_stats: DeclarationDailyStatsTable;
  declaration_venue_rules: DeclarationVenueRulesTable;
  declaration_partners: DeclarationPartnersTable;
  partner_phone_codes: PartnerPhoneCodesTable;
  partner_verified_phones: PartnerVerifiedPhonesTable;
  enterprise_criteria: EnterpriseCriteriaTable;
  enterprises: EnterprisesTable;
  enterprise_assessments: EnterpriseAssessmentsTable;
  enterprise_inspections: EnterpriseInspectionsTable;
}

export type PersonRow = Selectable<PeopleTable>;
export type NewPerson = Insertable<PeopleTable>;
export type PersonUpdate = Updateable<PeopleTable>;
export type AdminUnitRow = Selectable<AdminUnitsTable>;
export type StaffUserRow = Selectable<StaffUsersTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type VenueRow = Selectable<VenuesTable>;
export type CheckinRow = Selectable<CheckinsTable>;
