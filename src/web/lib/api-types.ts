/**
 * The API's shapes, taken from the server's own schemas so the two cannot drift apart:
 * - every request and response type is `Static<typeof X>` of the TypeBox schema the server validates with. The
 *   imports are `import type`, erased from the bundle (TypeBox itself never reaches the browser);
 * - the value lists (categories, statuses…) are in `api-values.ts`, the role lists in `roles.ts` and
 *   `staff-roles.ts`: run-time re-exports of the server's dependency-free `constants.ts` files. This file has no
 *   run-time code at all, so importing a type from it never moves anything into a page's chunk.
 * `api-types.test.ts` fails when the web app imports anything else from src/server at run time, and
 * `api-contract.int.test.ts` when a schema named here is not what the route really answers.
 */
import type { Static } from 'typebox';
import type * as AdminUnits from '../../server/modules/admin-units/schemas.ts';
import type * as Audit from '../../server/modules/audit/schemas.ts';
import type * as Auth from '../../server/modules/auth/schemas.ts';
import type * as Cases from '../../server/modules/cases/schemas.ts';
import type * as Checkins from '../../server/modules/checkins/schemas.ts';
import type * as Dev from '../../server/modules/dev/schemas.ts';
import type * as Exposure from '../../server/modules/exposure/schemas.ts';
import type * as Greenpass from '../../server/modules/greenpass/schemas.ts';
import type * as People from '../../server/modules/people/schemas.ts';
import type * as Staff from '../../server/modules/staff/schemas.ts';
import type * as Venues from '../../server/modules/venues/schemas.ts';

export type { CaseStatus, FollowUp } from '../../server/modules/cases/constants.ts';
export type { CheckinEvidence } from '../../server/modules/checkins/constants.ts';
export type { Relation, Sex } from '../../server/modules/people/constants.ts';
export type { VenueCategory } from '../../server/modules/venues/constants.ts';
export type { StaffRole } from '../../server/platform/roles.ts';

// ——— auth ———
export type Grant = Static<typeof Auth.GrantView>;
export type StaffUser = Static<typeof Auth.StaffUserView>;
export type CitizenPerson = Static<typeof Auth.CitizenView>;
/** GET /auth/me */
export type Me = Static<typeof Auth.MeResponse>;
export type OtpRequestBody = Static<typeof Auth.OtpRequestBody>;
export type OtpRequestResponse = Static<typeof Auth.OtpRequestResponse>;
export type OtpVerifyBody = Static<typeof Auth.OtpVerifyBody>;
export type StaffLoginBody = Static<typeof Auth.StaffLoginBody>;

// ——— administrative units ———
/** GET /admin-units?q= */
export type UnitResult = Static<typeof AdminUnits.UnitSearchResult>;
/** GET /admin-units/:code */
export type UnitDetail = Static<typeof AdminUnits.UnitDetail>;

// ——— staff ———
export type StaffListItem = Static<typeof Staff.StaffListItem>;
export type CreateStaffBody = Static<typeof Staff.CreateStaffBody>;
export type CreatedStaff = Static<typeof Staff.CreatedStaff>;
export type SetDisabledBody = Static<typeof Staff.SetDisabledBody>;

// ——— people ———
export type Person = Static<typeof People.PersonView>;
/** A person of the work list of national IDs to verify (`GET /people/national-id-claims`). */
export type NationalIdClaim = Static<typeof People.NationalIdClaimView>;
export type Dependant = Static<typeof People.DependantView>;
export type CreatePersonBody = Static<typeof People.CreatePersonBody>;
export type ProfileBody = Static<typeof People.ProfileBody>;
export type DependantBody = Static<typeof People.DependantBody>;
/** what creating a person or a dependant answers */
export type IdResponse = Static<typeof People.IdResponse>;
/** a personal QR (GET /me/qr) */
export type PersonQr = Static<typeof People.QrResponse>;

// ——— venues ———
export type VenueView = Static<typeof Venues.VenueView>;
export type CreateVenueBody = Static<typeof Venues.CreateVenueBody>;
export type CreatedVenue = Static<typeof Venues.CreatedVenue>;
export type Zone = Static<typeof Venues.ZoneView>;
export type AddZoneBody = Static<typeof Venues.AddZoneBody>;
export type RotatingQr = Static<typeof Venues.RotatingQrResponse>;
export type RotatedQr = Static<typeof Venues.RotatedQr>;
export type Occupancy = Static<typeof Venues.OccupancyResponse>;
export type VenueStats = Static<typeof Venues.StatsResponse>;
export type InactiveVenue = Static<typeof Venues.InactiveVenue>;
/** GET /venues/by-qr: what the venue's poster shows beside its QR */
export type VenueByQr = Static<typeof Venues.VenueByQr>;

// ——— check-ins ———
/** POST /checkins: one body for every mode (`checkinApi.ts` names the modes the web app sends) */
export type CheckinInput = Static<typeof Checkins.CheckinBody>;
export type CheckinResult = Static<typeof Checkins.CheckinResult>;
/** who the door scanned by their personal QR (name masked unless the account may read the person; birth year) */
export type DoorPerson = NonNullable<CheckinResult['person']>;
/** the person's health declaration of the day, as the door shows it (green / yellow / grey) */
export type DoorBadge = NonNullable<CheckinResult['badge']>;
export type MyCheckin = Static<typeof Checkins.MyCheckin>;
export type BatchItem = Static<typeof Checkins.BatchItem>;
export type BatchBody = Static<typeof Checkins.BatchBody>;
export type BatchResponse = Static<typeof Checkins.BatchResponse>;
export type BatchResultItem = BatchResponse['results'][number];
export type DoorCodeBody = Static<typeof Checkins.DoorCodeBody>;
export type DoorCodeResponse = Static<typeof Checkins.DoorCodeResponse>;
export type CheckoutBody = Static<typeof Checkins.CheckoutBody>;

// ——— cases ———
export type CaseListItem = Static<typeof Cases.CaseListItem>;
/** GET /cases/:id */
export type CaseDetail = Static<typeof Cases.CaseView>;
export type CreateCaseBody = Static<typeof Cases.CreateCaseBody>;
export type CreatedCase = Static<typeof Cases.CreatedCase>;
export type UpdateCaseBody = Static<typeof Cases.UpdateCaseBody>;
export type TraceSummary = Static<typeof Cases.TraceSummary>;
export type CaseStay = Static<typeof Cases.CaseStay>;
/** GET /cases/:id/contacts */
export type Contact = Static<typeof Cases.ContactView>;
export type ContactsExport = Static<typeof Cases.ContactsExport>;
export type ManualContactBody = Static<typeof Cases.ManualContactBody>;
export type AddedContact = Static<typeof Cases.AddedContact>;
export type BulkContactsBody = Static<typeof Cases.BulkContactsBody>;
export type UpdatedCount = Static<typeof Cases.UpdatedCount>;
export type ContactTask = Static<typeof Cases.ContactTask>;
export type ContactTaskBody = Static<typeof Cases.ContactTaskBody>;
export type VenueAlertBody = Static<typeof Cases.VenueAlertBody>;
export type VenueAlertResult = Static<typeof Cases.VenueAlertResult>;
/** GET /cases/graph */
export type GraphData = Static<typeof Cases.GraphResponse>;
export type MyExposure = Static<typeof Cases.MyExposure>;
export type MyQuarantine = Static<typeof Cases.MyQuarantine>;

// ——— dev ———
export type OutboxMessage = Static<typeof Dev.OutboxMessage>;

// ——— exposure (Bluetooth) ———
/** POST /exposure/verification-codes */
export type IssuedCode = Static<typeof Exposure.IssuedCode>;
/** POST /exposure/matches */
export type ReportMatchesBody = Static<typeof Exposure.ReportMatchesBody>;
export type ReportMatchesResponse = Static<typeof Exposure.ReportMatchesResponse>;
/** GET /exposure/cases/{caseId}/ble-contacts */
export type BleContact = Static<typeof Exposure.BleContact>;

// ——— every role's home and the admin's tools (issue 11, items 13-14) ———
/** GET /quarantine-orders */
export type QuarantineOrder = Static<typeof Cases.QuarantineOrderView>;
export type UpdateQuarantineBody = Static<typeof Cases.UpdateQuarantineBody>;
export type UpdatedQuarantineOrder = Static<typeof Cases.UpdatedQuarantineOrder>;
/** GET /cases/stats */
export type CaseStats = Static<typeof Cases.CaseStats>;
/** GET /audit */
export type AuditEntry = Static<typeof Audit.AuditEntry>;
/** PUT /staff/:id/grants/:grantId (the same body as adding a grant) */
export type GrantBody = Static<typeof Staff.AddGrantBody>;
/** POST /staff/:id/password-reset */
export type PasswordResetBody = Static<typeof Staff.PasswordResetBody>;
export type PasswordResetCode = Static<typeof Staff.PasswordResetCode>;
/** POST /auth/staff/password/reset */
export type StaffPasswordResetBody = Static<typeof Auth.StaffPasswordResetBody>;

// ——— green pass ———
/** GET /me/green-pass */
export type MyGreenPass = Static<typeof Greenpass.MyPassResponse>;
export type GreenPassItem = Static<typeof Greenpass.PassItem>;
/** GET /green-pass/trust-list */
export type GreenPassTrustList = Static<typeof Greenpass.TrustListResponse>;
/** GET /green-pass/revocations */
export type GreenPassRevocations = Static<typeof Greenpass.RevocationsResponse>;
/** GET /green-pass/rules */
export type GreenPassRules = Static<typeof Greenpass.RulesResponse>;
/** POST /green-pass/verify */
export type GreenPassVerdict = Static<typeof Greenpass.VerifyResponse>;
