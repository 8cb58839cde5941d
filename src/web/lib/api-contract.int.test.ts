/**
 * The schemas `api-types.ts` takes the web app's types from are what the routes really declare: for every call the
 * web app makes, the route's request body and response in the running app's /openapi.json equal what the same
 * OpenAPI generator makes of the schema the web app's type is `Static<typeof …>` of. A route that changes its answer
 * without its schemas.ts (or a schemas.ts export that stops matching its route) fails here.
 */
import swagger from '@fastify/swagger';
import Fastify, { type HTTPMethods } from 'fastify';
import { type TSchema, Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../../test/harness.ts';
import * as AdminUnits from '../../server/modules/admin-units/schemas.ts';
import * as Audit from '../../server/modules/audit/schemas.ts';
import * as Auth from '../../server/modules/auth/schemas.ts';
import * as Cases from '../../server/modules/cases/schemas.ts';
import * as Checkins from '../../server/modules/checkins/schemas.ts';
import * as Declarations from '../../server/modules/declarations/schemas.ts';
import * as Dev from '../../server/modules/dev/schemas.ts';
import * as Exposure from '../../server/modules/exposure/schemas.ts';
import * as People from '../../server/modules/people/schemas.ts';
import * as Staff from '../../server/modules/staff/schemas.ts';
import * as Testing from '../../server/modules/testing/schemas.ts';
import * as Venues from '../../server/modules/venues/schemas.ts';

interface Call {
  method: HTTPMethods;
  /** the OpenAPI path under /api/v1 */
  path: string;
  /** the success status and the schema of its answer, as `api-types.ts` types it */
  status?: number;
  response?: TSchema;
  body?: TSchema;
}

/** Every call the web app makes (src/web), with the schemas its types come from. */
const CALLS: Call[] = [
  { method: 'GET', path: '/auth/me', status: 200, response: Auth.MeResponse },
  {
    method: 'POST',
    path: '/exposure/verification-codes',
    status: 201,
    response: Exposure.IssuedCode,
    body: Exposure.IssueCodeBody,
  },
  {
    method: 'POST',
    path: '/exposure/matches',
    status: 200,
    response: Exposure.ReportMatchesResponse,
    body: Exposure.ReportMatchesBody,
  },
  {
    method: 'GET',
    path: '/exposure/cases/{caseId}/ble-contacts',
    status: 200,
    response: Type.Array(Exposure.BleContact),
  },
  {
    method: 'POST',
    path: '/auth/citizen/otp',
    status: 202,
    response: Auth.OtpRequestResponse,
    body: Auth.OtpRequestBody,
  },
  { method: 'POST', path: '/auth/citizen/verify', body: Auth.OtpVerifyBody },
  { method: 'POST', path: '/auth/staff/login', body: Auth.StaffLoginBody },
  { method: 'GET', path: '/admin-units', status: 200, response: Type.Array(AdminUnits.UnitSearchResult) },
  { method: 'GET', path: '/admin-units/{code}', status: 200, response: AdminUnits.UnitDetail },
  { method: 'GET', path: '/staff', status: 200, response: Type.Array(Staff.StaffListItem) },
  { method: 'POST', path: '/staff', status: 201, response: Staff.CreatedStaff, body: Staff.CreateStaffBody },
  { method: 'PUT', path: '/staff/{id}/disabled', body: Staff.SetDisabledBody },
  // every role's home and the admin's tools (issue 11, items 13-14)
  { method: 'PUT', path: '/staff/{id}/grants/{grantId}', body: Staff.AddGrantBody },
  { method: 'DELETE', path: '/staff/{id}/grants/{grantId}' },
  { method: 'POST', path: '/staff/{id}/password-reset', status: 201, response: Staff.PasswordResetCode },
  { method: 'DELETE', path: '/staff/{id}/sessions' },
  {
    method: 'POST',
    path: '/auth/staff/password/reset',
    status: 200,
    response: Auth.StaffLoginResponse,
    body: Auth.StaffPasswordResetBody,
  },
  { method: 'GET', path: '/audit', status: 200, response: Type.Array(Audit.AuditEntry) },
  { method: 'GET', path: '/cases/stats', status: 200, response: Cases.CaseStats },
  { method: 'GET', path: '/quarantine-orders', status: 200, response: Type.Array(Cases.QuarantineOrderView) },
  {
    method: 'PATCH',
    path: '/quarantine-orders/{id}',
    status: 200,
    response: Cases.UpdatedQuarantineOrder,
    body: Cases.UpdateQuarantineBody,
  },
  { method: 'GET', path: '/people', status: 200, response: Type.Array(People.PersonView) },
  { method: 'POST', path: '/people', status: 201, response: People.IdResponse, body: People.CreatePersonBody },
  { method: 'GET', path: '/people/{id}', status: 200, response: People.PersonView },
  {
    method: 'GET',
    path: '/people/national-id-claims',
    status: 200,
    response: Type.Array(People.NationalIdClaimView),
  },
  { method: 'POST', path: '/people/{id}/national-id:verify', status: 200, response: People.PersonView },
  { method: 'GET', path: '/me/profile', status: 200, response: People.PersonView },
  { method: 'PUT', path: '/me/profile', status: 200, response: People.PersonView, body: People.ProfileBody },
  { method: 'GET', path: '/me/dependants', status: 200, response: Type.Array(People.DependantView) },
  { method: 'POST', path: '/me/dependants', status: 201, response: People.IdResponse, body: People.DependantBody },
  { method: 'GET', path: '/me/qr', status: 200, response: People.QrResponse },
  { method: 'GET', path: '/venues', status: 200, response: Type.Array(Venues.VenueView) },
  { method: 'POST', path: '/venues', status: 201, response: Venues.CreatedVenue, body: Venues.CreateVenueBody },
  { method: 'GET', path: '/venues/by-qr', status: 200, response: Venues.VenueByQr },
  { method: 'GET', path: '/venues/{id}', status: 200, response: Venues.VenueView },
  { method: 'POST', path: '/venues/{id}/verify', status: 200, response: Venues.VenueView },
  { method: 'POST', path: '/venues/{id}/zones', status: 201, response: Venues.ZoneView, body: Venues.AddZoneBody },
  { method: 'POST', path: '/venues/{id}/qr/rotate', status: 200, response: Venues.RotatedQr },
  { method: 'GET', path: '/venues/{id}/rotating-qr', status: 200, response: Venues.RotatingQrResponse },
  { method: 'GET', path: '/venues/{id}/occupancy', status: 200, response: Venues.OccupancyResponse },
  { method: 'GET', path: '/venues/stats', status: 200, response: Venues.StatsResponse },
  {
    method: 'GET',
    path: '/venues/inactive',
    status: 200,
    // JSON for the page, CSV text for the download link
    response: Type.Union([Type.Array(Venues.InactiveVenue), Type.String()]),
  },
  { method: 'POST', path: '/checkins', status: 201, response: Checkins.CheckinResult, body: Checkins.CheckinBody },
  { method: 'POST', path: '/checkins/batch', status: 200, response: Checkins.BatchResponse, body: Checkins.BatchBody },
  {
    method: 'POST',
    path: '/checkins/door-codes',
    status: 202,
    response: Checkins.DoorCodeResponse,
    body: Checkins.DoorCodeBody,
  },
  { method: 'POST', path: '/checkins/{id}/checkout', body: Type.Optional(Checkins.CheckoutBody) },
  { method: 'GET', path: '/me/checkins', status: 200, response: Type.Array(Checkins.MyCheckin) },
  { method: 'GET', path: '/cases', status: 200, response: Type.Array(Cases.CaseListItem) },
  { method: 'POST', path: '/cases', status: 201, response: Cases.CreatedCase, body: Cases.CreateCaseBody },
  { method: 'GET', path: '/cases/graph', status: 200, response: Cases.GraphResponse },
  { method: 'GET', path: '/cases/{id}', status: 200, response: Cases.CaseView },
  { method: 'PATCH', path: '/cases/{id}', status: 200, response: Cases.CaseView, body: Cases.UpdateCaseBody },
  { method: 'POST', path: '/cases/{id}/retrace', status: 200, response: Cases.TraceSummary },
  { method: 'GET', path: '/cases/{id}/venues', status: 200, response: Type.Array(Cases.CaseStay) },
  { method: 'GET', path: '/cases/{id}/contacts', status: 200, response: Type.Array(Cases.ContactView) },
  {
    method: 'GET',
    path: '/cases/{id}/contacts/export',
    status: 200,
    // JSON for the printable page, CSV text for the download link
    response: Type.Union([Cases.ContactsExport, Type.String()]),
  },
  {
    method: 'POST',
    path: '/cases/{id}/contacts',
    status: 201,
    response: Cases.AddedContact,
    body: Cases.ManualContactBody,
  },
  {
    method: 'POST',
    path: '/cases/{id}/contacts/bulk',
    status: 200,
    response: Cases.UpdatedCount,
    body: Cases.BulkContactsBody,
  },
  { method: 'GET', path: '/contact-tasks', status: 200, response: Type.Array(Cases.ContactTask) },
  {
    method: 'PATCH',
    path: '/contact-tasks/{caseId}/{personId}',
    status: 200,
    response: Cases.UpdatedCount,
    body: Cases.ContactTaskBody,
  },
  {
    method: 'POST',
    path: '/venues/{id}/alert/preview',
    status: 200,
    response: Cases.VenueAlertResult,
    body: Cases.VenueAlertBody,
  },
  {
    method: 'POST',
    path: '/venues/{id}/alert',
    status: 200,
    response: Cases.VenueAlertResult,
    body: Cases.VenueAlertBody,
  },
  { method: 'GET', path: '/me/exposures', status: 200, response: Type.Array(Cases.MyExposure) },
  { method: 'GET', path: '/me/quarantine', status: 200, response: Type.Array(Cases.MyQuarantine) },
  { method: 'GET', path: '/dev/outbox', status: 200, response: Type.Array(Dev.OutboxMessage) },
  // testing (src/web/lib/testing-types.ts)
  { method: 'GET', path: '/labs', status: 200, response: Testing.LabList },
  { method: 'POST', path: '/samples', status: 201, response: Testing.CreatedSample, body: Testing.CreateSampleBody },
  { method: 'POST', path: '/samples/barcodes', status: 201, response: Testing.ReservedBarcodes },
  { method: 'GET', path: '/samples/{id}', status: 200, response: Testing.SampleView },
  { method: 'POST', path: '/samples/{id}/result', status: 200, response: Testing.SampleView, body: Testing.ResultBody },
  { method: 'POST', path: '/shipments', status: 201, response: Testing.CreatedShipment },
  { method: 'GET', path: '/labs/{labId}/queue', status: 200, response: Testing.LabQueue },
  { method: 'POST', path: '/labs/{labId}/intake', status: 200, response: Testing.SampleView, body: Testing.IntakeBody },
  { method: 'POST', path: '/labs/{labId}/results:import', status: 200, response: Testing.ImportResponse },
  { method: 'GET', path: '/campaigns', status: 200, response: Testing.CampaignList },
  { method: 'POST', path: '/campaigns', status: 201, response: Testing.IdResponse, body: Testing.CreateCampaignBody },
  { method: 'GET', path: '/campaigns/{id}', status: 200, response: Testing.CampaignView },
  { method: 'POST', path: '/campaigns/{id}/points', status: 201, response: Testing.IdResponse },
  { method: 'GET', path: '/testing/stats/communes', status: 200, response: Testing.CommuneStats },
  { method: 'GET', path: '/testing/tasks', status: 200, response: Testing.TaskList },
  { method: 'GET', path: '/me/tests', status: 200, response: Testing.MyTests },
  // declarations (src/web/lib/declarations-types.ts)
  { method: 'GET', path: '/declaration-forms/{type}', status: 200, response: Declarations.FormView },
  {
    method: 'POST',
    path: '/declaration-forms/{type}',
    status: 201,
    response: Declarations.FormView,
    body: Declarations.PublishFormBody,
  },
  {
    method: 'POST',
    path: '/declarations',
    status: 201,
    response: Declarations.DeclarationResult,
    body: Declarations.DeclarationBody,
  },
  { method: 'GET', path: '/me/declarations/today', status: 200, response: Declarations.TodayResponse },
  { method: 'GET', path: '/me/declarations/last', status: 200, response: Declarations.LastResponse },
  { method: 'GET', path: '/health-tasks', status: 200, response: Declarations.TaskList },
  {
    method: 'PATCH',
    path: '/health-tasks/{id}',
    status: 200,
    response: Declarations.TaskView,
    body: Declarations.UpdateTaskBody,
  },
  { method: 'GET', path: '/declaration-stats', status: 200, response: Declarations.StatsResponse },
  { method: 'GET', path: '/declaration-partners', status: 200, response: Declarations.PartnerList },
  { method: 'POST', path: '/declaration-partners', status: 201, response: Declarations.CreatedPartner },
  { method: 'GET', path: '/enterprise-criteria', status: 200, response: Declarations.CriteriaView },
  {
    method: 'POST',
    path: '/enterprises',
    status: 201,
    response: Declarations.IdResponse,
    body: Declarations.CreateEnterpriseBody,
  },
  { method: 'GET', path: '/enterprises', status: 200, response: Declarations.EnterpriseList },
  {
    method: 'POST',
    path: '/organisations',
    status: 201,
    response: Declarations.IdResponse,
    body: Declarations.CreateOrganisationBody,
  },
  { method: 'GET', path: '/organisations', status: 200, response: Declarations.OrganisationList },
  { method: 'GET', path: '/organisations/{id}', status: 200, response: Declarations.OrganisationSummary },
  { method: 'GET', path: '/organisations/{id}/members', status: 200, response: Declarations.MemberList },
  {
    method: 'POST',
    path: '/organisations/{id}/members',
    status: 201,
    response: Declarations.AddedMember,
    body: Declarations.AddMemberBody,
  },
  {
    method: 'POST',
    path: '/organisations/{id}/members:import',
    status: 200,
    response: Declarations.MembersImportResult,
  },
  { method: 'GET', path: '/enterprises/{id}', status: 200, response: Declarations.EnterpriseDetail },
  {
    method: 'POST',
    path: '/enterprises/{id}/assessments',
    status: 201,
    response: Declarations.AssessmentResult,
    body: Declarations.AssessmentBody,
  },
  { method: 'PUT', path: '/enterprises/{id}/owner', body: Declarations.EnterpriseOwnerBody },
  {
    method: 'POST',
    path: '/enterprises/{id}/inspections',
    status: 201,
    response: Declarations.IdResponse,
    body: Declarations.InspectionBody,
  },
];

interface Operation {
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses?: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
type Document = { paths: Record<string, Record<string, Operation>> };

const responseOf = (op: Operation | undefined, status: number) =>
  op?.responses?.[String(status)]?.content?.['application/json']?.schema;
const bodyOf = (op: Operation | undefined) => op?.requestBody?.content['application/json']?.schema;

let env: TestEnv;
let real: Document;
let expected: Document;

beforeAll(async () => {
  env = await createTestEnv({ provinces: [] });
  const res = await env.app.inject({ method: 'GET', url: '/openapi.json' });
  expect(res.statusCode).toBe(200);
  real = res.json() as Document;

  // the same generator, fed the schemas the web app's types come from, one route per call
  const reference = Fastify({ logger: false });
  reference.setValidatorCompiler(() => () => true);
  reference.setSerializerCompiler(() => (data) => JSON.stringify(data));
  await reference.register(swagger, { openapi: { openapi: '3.0.3' } });
  CALLS.forEach((call, i) => {
    reference.route({
      method: call.method,
      url: `/call${i}`,
      schema: {
        ...(call.body ? { body: call.body } : {}),
        ...(call.response && call.status ? { response: { [call.status]: call.response } } : {}),
      },
      handler: async () => null,
    });
  });
  await reference.ready();
  expected = reference.swagger() as unknown as Document;
  await reference.close();
}, 120_000);

afterAll(async () => {
  await env?.close();
});

describe('the web app reads and sends what the routes declare', () => {
  CALLS.forEach((call, i) => {
    it(`${call.method} ${call.path}`, () => {
      const method = call.method.toLowerCase();
      const route = real.paths[`/api/v1${call.path}`]?.[method];
      expect(route, 'the route exists').toBeDefined();
      const mine = expected.paths[`/call${i}`]?.[method];
      if (call.status && call.response) {
        expect(responseOf(route, call.status), 'response').toEqual(responseOf(mine, call.status));
        expect(responseOf(route, call.status)).toBeDefined();
      }
      if (call.body) {
        expect(bodyOf(route), 'request body').toEqual(bodyOf(mine));
        expect(bodyOf(route)).toBeDefined();
      }
    });
  });
});
