/**
 * /api/v1/cases (tracer workspace, the outbreak's figures), venue alerts, /api/v1/quarantine-orders (quarantine
 * officers), and /api/v1/me/exposures + /api/v1/me/quarantine for citizens.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { errors, requireCitizen, requireStaff, sendCsv } from '../../platform/http.ts';
import { NEXT_CURSOR_HEADER, pagedHeaders } from '../../platform/paging.ts';
import { VenueIdParams } from '../venues/schemas.ts';
import { contactsCsv } from './export.ts';
import {
  AddedContact,
  BulkContactsBody,
  CaseIdParams,
  CaseListItem,
  CaseListQuery,
  CaseStats,
  CaseStatsQuery,
  CaseStay,
  CaseView,
  ContactConfirmationResult,
  ContactPersonParams,
  ContactsExport,
  ContactsExportQuery,
  ContactsQuery,
  ContactTask,
  ContactTaskBody,
  ContactTaskParams,
  ContactTasksQuery,
  ContactView,
  CreateCaseBody,
  CreatedCase,
  GraphQuery,
  GraphResponse,
  ManualContactBody,
  MyExposure,
  MyQuarantine,
  QuarantineListQuery,
  QuarantineOrderParams,
  QuarantineOrderView,
  TraceSummary,
  UpdateCaseBody,
  UpdatedCount,
  UpdatedQuarantineOrder,
  UpdateQuarantineBody,
  VenueAlertBody,
  VenueAlertResult,
} from './schemas.ts';
import type { CasesService } from './service.ts';

export function casesRoutes(service: CasesService): FastifyPluginAsync {
  return async (plain) => {
    const app = plain.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['cases'];

    app.post(
      '/cases',
      { schema: { tags, body: CreateCaseBody, response: { 201: CreatedCase, ...errors(400, 401, 403, 404, 409) } } },
      async (req, reply) => reply.status(201).send(await service.create(requireStaff(req), req.body)),
    );

    app.get(
      '/cases',
      {
        schema: {
          tags,
          description:
            "Cases in the caller's area, newest confirmation first, `limit` at a time (default 100): when more follow, " +
            `the answer carries \`${NEXT_CURSOR_HEADER}\`; pass it as \`after\` for the next page (keyset paging).`,
          querystring: CaseListQuery,
          response: { 200: Type.Array(CaseListItem, pagedHeaders), ...errors(400, 401, 403) },
        },
      },
      async (req, reply) => {
        const page = await service.list(requireStaff(req), req.query);
        if (page.next) reply.header(NEXT_CURSOR_HEADER, page.next);
        return page.items;
      },
    );

    app.get(
      '/cases/graph',
      { schema: { tags, querystring: GraphQuery, response: { 200: GraphResponse, ...errors(400, 401, 403) } } },
      async (req) => service.graph(requireStaff(req), req.query),
    );

    app.get(
      '/cases/stats',
      {
        schema: {
          tags,
          description:
            'The outbreak in figures, no names: cases per local day, open cases, F1 under an active quarantine order. ' +
            'Tracers, health workers and leaders, in their area (optionally one unit of it).',
          querystring: CaseStatsQuery,
          response: { 200: CaseStats, ...errors(400, 401, 403) },
        },
      },
      async (req) => service.stats(requireStaff(req), req.query),
    );

    app.get(
      '/cases/:id',
      { schema: { tags, params: CaseIdParams, response: { 200: CaseView, ...errors(400, 401, 403, 404) } } },
      async (req) => service.get(requireStaff(req), req.params.id),
    );

    app.patch(
      '/cases/:id',
      {
        schema: {
          tags,
          params: CaseIdParams,
          body: UpdateCaseBody,
          response: { 200: CaseView, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (req) => service.update(requireStaff(req), req.params.id, req.body),
    );

    app.post(
      '/cases/:id/retrace',
      { schema: { tags, params: CaseIdParams, response: { 200: TraceSummary, ...errors(400, 401, 403, 404) } } },
      async (req) => service.retrace(requireStaff(req), req.params.id),
    );

    app.get(
      '/cases/:id/venues',
      {
        schema: { tags, params: CaseIdParams, response: { 200: Type.Array(CaseStay), ...errors(400, 401, 403, 404) } },
      },
      async (req) => service.venues(requireStaff(req), req.params.id),
    );

    app.get(
      '/cases/:id/contacts',
      {
        schema: {
          tags,
          description:
            "The case's contacts, one row per person, strongest evidence first. Every contact, or with `limit` a page " +
            `of them: when more follow, the answer carries \`${NEXT_CURSOR_HEADER}\`; pass it as \`after\` for the next ` +
            'page (keyset paging). `q` searches names and phones among the contacts the caller may identify.',
          params: CaseIdParams,
          querystring: ContactsQuery,
          response: { 200: Type.Array(ContactView, pagedHeaders), ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        const page = await service.contactsPage(requireStaff(req), req.params.id, req.query);
        if (page.next) reply.header(NEXT_CURSOR_HEADER, page.next);
        return page.items;
      },
    );

    app.get(
      '/cases/:id/contacts/export',
      {
        schema: {
          tags,
          description:
            'The F1/F2 list of the case, every contact (of `degree` when given): `format=csv` as a spreadsheet ' +
            '(cells that a spreadsheet would run as a formula are neutralised), `format=json` for the printable page. ' +
            'Audited as an export naming everyone in it.',
          params: CaseIdParams,
          querystring: ContactsExportQuery,
          response: {
            200: Type.Union([ContactsExport, Type.String()]),
            ...errors(400, 401, 403, 404),
          },
        },
      },
      async (req, reply) => {
        const exported = await service.exportContacts(requireStaff(req), req.params.id, req.query);
        if (req.query.format === 'json') return exported;
        const name = `${exported.displayCode}-${req.query.degree ? `F${req.query.degree}` : 'F1-F2'}.csv`;
        return sendCsv(reply, `${name}`, contactsCsv(exported.contacts));
      },
    );

    app.post(
      '/cases/:id/contacts',
      {
        schema: {
          tags,
          params: CaseIdParams,
          body: ManualContactBody,
          response: { 201: AddedContact, ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) =>
        reply.status(201).send(await service.addManualContact(requireStaff(req), req.params.id, req.body)),
    );

    app.post(
      '/cases/:id/contacts/bulk',
      {
        schema: {
          tags,
          params: CaseIdParams,
          body: BulkContactsBody,
          response: { 200: UpdatedCount, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => service.bulkUpdateContacts(requireStaff(req), req.params.id, req.body),
    );

    app.get(
      '/contact-tasks',
      {
        schema: {
          tags,
          description: "Contacts of other areas' cases who live in the caller's area, with identity, to follow up.",
          querystring: ContactTasksQuery,
          response: { 200: Type.Array(ContactTask), ...errors(400, 401, 403) },
        },
      },
      async (req) => service.contactTasks(requireStaff(req), req.query),
    );
    app.patch(
      '/contact-tasks/:caseId/:personId',
      {
        schema: {
          tags,
          params: ContactTaskParams,
          body: ContactTaskBody,
          response: { 200: UpdatedCount, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => service.updateContactTask(requireStaff(req), req.params.caseId, req.params.personId, req.body),
    );

    app.post(
      '/cases/:id/contacts/:personId/confirm',
      {
        schema: {
          tags,
          description:
            'Confirm a contact "to confirm" (found only through a typed-in check-in nobody proved): they get their ' +
            "quarantine order (F1) and message now, once. Tracer in the case's jurisdiction; audited.",
          params: ContactPersonParams,
          response: { 200: ContactConfirmationResult, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => service.confirmContact(requireStaff(req), req.params.id, req.params.personId),
    );
    app.post(
      '/cases/:id/contacts/:personId/dismiss',
      {
        schema: {
          tags,
          description:
            'Dismiss a contact "to confirm" whose check-in was false: nobody is told. 409 when already confirmed.',
          params: ContactPersonParams,
          response: { 200: ContactConfirmationResult, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (req) => service.dismissContact(requireStaff(req), req.params.id, req.params.personId),
    );

    app.post(
      '/venues/:id/alert/preview',
      {
        schema: {
          tags,
          params: VenueIdParams,
          body: VenueAlertBody,
          response: { 200: VenueAlertResult, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => service.venueAlert(requireStaff(req), req.params.id, req.body, false),
    );
    app.post(
      '/venues/:id/alert',
      {
        schema: {
          tags,
          params: VenueIdParams,
          body: VenueAlertBody,
          response: { 200: VenueAlertResult, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => service.venueAlert(requireStaff(req), req.params.id, req.body, true),
    );

    app.get(
      '/quarantine-orders',
      {
        schema: {
          tags,
          description:
            "Quarantine orders issued in the caller's area, soonest end first (active ones unless `status` says " +
            'otherwise), with the person and the source case by display code. Quarantine officers and health ' +
            `workers; audited with the people returned. \`limit\` at a time (default 500): when more follow, the ` +
            `answer carries \`${NEXT_CURSOR_HEADER}\`; pass it as \`after\` for the next page (keyset paging).`,
          querystring: QuarantineListQuery,
          response: { 200: Type.Array(QuarantineOrderView, pagedHeaders), ...errors(400, 401, 403) },
        },
      },
      async (req, reply) => {
        const page = await service.quarantineOrders(requireStaff(req), req.query);
        if (page.next) reply.header(NEXT_CURSOR_HEADER, page.next);
        return page.items;
      },
    );
    app.patch(
      '/quarantine-orders/:id',
      {
        schema: {
          tags,
          description:
            'A new end date (active orders; from the first day to 60 days after it) and/or status: released, ' +
            "cancelled, or active again. 404 outside the caller's area; audited.",
          params: QuarantineOrderParams,
          body: UpdateQuarantineBody,
          response: { 200: UpdatedQuarantineOrder, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (req) => service.updateQuarantineOrder(requireStaff(req), req.params.id, req.body),
    );

    app.get(
      '/me/exposures',
      { schema: { tags: ['me'], response: { 200: Type.Array(MyExposure), ...errors(401, 403) } } },
      async (req) => service.myExposures(requireCitizen(req)),
    );
    app.get(
      '/me/quarantine',
      { schema: { tags: ['me'], response: { 200: Type.Array(MyQuarantine), ...errors(401, 403) } } },
      async (req) => service.myQuarantine(requireCitizen(req)),
    );
  };
}
