/**
 * /api/v1/exposure: verification codes (staff), the citizen's app's verify and upload (anonymous, rate-limited: the
 * code and the token are the authority), the public exports, index and key, match reports (signed-in citizen) and
 * the Bluetooth contacts of a case (staff).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { errors, perAccount, requireActor, requireCitizen, requireStaff } from '../../platform/http.ts';
import {
  EN_CODE_TTL_MINUTES,
  EN_FAILED_VERIFY_LIMIT,
  EN_FAILED_VERIFY_WINDOW_MINUTES,
  EN_MATCH_REPORTS_PER_HOUR,
  EN_RATE_LIMIT_PER_MINUTE,
} from './constants.ts';
import {
  BleContact,
  CaseIdParams,
  ExportFileParams,
  IssueCodeBody,
  IssuedCode,
  PublishResponse,
  ReportMatchesBody,
  ReportMatchesResponse,
  UploadBody,
  UploadResponse,
  VerifyBody,
  VerifyResponse,
} from './schemas.ts';
import type { ExposureService } from './service.ts';

export function exposureRoutes(service: ExposureService): FastifyPluginAsync {
  return async (plain) => {
    const app = plain.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['exposure'];
    const rateLimit = { max: EN_RATE_LIMIT_PER_MINUTE, timeWindow: '1 minute' };

    app.post(
      '/exposure/verification-codes',
      {
        schema: {
          tags,
          description:
            `A one-time code for a confirmed case (tracer or health worker in its jurisdiction), valid ${EN_CODE_TTL_MINUTES} ` +
            'minutes; the F0 also gets it by SMS. Their app exchanges it at /exposure/verify before uploading their ' +
            'keys. 429 EN_TOO_MANY_LIVE_CODES while too many codes wait to be used.',
          body: IssueCodeBody,
          response: { 201: IssuedCode, ...errors(400, 401, 403, 404, 409, 429) },
        },
      },
      async (req, reply) => reply.status(201).send(await service.issueCode(requireStaff(req), req.body.caseId)),
    );

    app.post(
      '/exposure/verify',
      {
        config: { public: true, rateLimit },
        schema: {
          tags,
          description:
            'Exchanges a verification code, once, for an upload token valid one hour; 409 EN_CASE_NO_LONGER_CONFIRMED ' +
            `when the case is suspected again. After ${EN_FAILED_VERIFY_LIMIT} failed verifications (by anyone) in ` +
            `${EN_FAILED_VERIFY_WINDOW_MINUTES} minutes, 429 EN_VERIFY_LOCKED for everyone until the window passes.`,
          body: VerifyBody,
          response: { 200: VerifyResponse, ...errors(400, 409, 429) },
        },
      },
      async (req) => service.verify(req.body.code),
    );

    app.post(
      '/exposure/keys',
      {
        config: { public: true, rateLimit },
        schema: {
          tags,
          description:
            'Uploads the Temporary Exposure Keys of the last 14 days (at most 30) with an upload token: all valid or ' +
            'none stored (400 with the first problem); one upload per token, its exact retry answers the same; 409 ' +
            'EN_CASE_NO_LONGER_CONFIRMED when the case is suspected again.',
          body: UploadBody,
          response: { 200: UploadResponse, ...errors(400, 403, 409, 413, 429) },
        },
      },
      async (req) => service.upload(req.body.token, req.body.keys),
    );

    app.post(
      '/exposure/exports',
      {
        schema: {
          tags,
          description:
            'Publishes the keys waiting for publication as a signed batch now, padded like every batch (national ' +
            'admins; the hourly job and `truyvet en export-now` do the same).',
          response: { 201: PublishResponse, ...errors(401, 403) },
        },
      },
      async (req, reply) => reply.status(201).send(await service.publishNow(requireStaff(req))),
    );

    app.get(
      '/exposure/exports/index.txt',
      {
        config: { public: true },
        schema: { tags, description: 'One batch path per line, oldest first.', response: { 200: Type.String() } },
      },
      async (_req, reply) =>
        reply
          .type('text/plain; charset=utf-8')
          .header('cache-control', 'public, max-age=300')
          .send(await service.index()),
    );

    app.get(
      '/exposure/exports/:file',
      {
        config: { public: true },
        schema: {
          tags,
          description: 'A batch: zip holding export.bin and export.sig.',
          params: ExportFileParams,
          response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }), ...errors(400, 404) },
        },
      },
      async (req, reply) => {
        const zip = await service.exportFile(req.params.file);
        // a published batch never changes
        return reply
          .type('application/zip')
          .header('cache-control', 'public, max-age=86400, immutable')
          .send(Buffer.from(zip));
      },
    );

    app.get(
      '/exposure/public-key',
      {
        config: { public: true },
        schema: {
          tags,
          description: 'The ECDSA P-256 public key export signatures verify with (PEM, SubjectPublicKeyInfo).',
          response: { 200: Type.String() },
        },
      },
      async (_req, reply) =>
        reply
          .type('application/x-pem-file')
          .header('cache-control', 'public, max-age=3600')
          .send(await service.publicKey()),
    );

    app.post(
      '/exposure/matches',
      {
        // per account (runs after the app's auth hook, so the actor is known); requests without one count by address.
        // Counted after validation (preHandler): a refused body costs nothing and never uses up the hour's reports
        config: {
          rateLimit: {
            hook: 'preHandler',
            max: EN_MATCH_REPORTS_PER_HOUR,
            timeWindow: '1 hour',
            keyGenerator: perAccount('en-matches'),
          },
        },
        schema: {
          tags,
          description:
            "A citizen's consented report of the keys their phone matched: each names the case it was uploaded for, " +
            "and the case's tracers see the citizen as a Bluetooth contact with this evidence (one per case and " +
            `person). At most ${EN_MATCH_REPORTS_PER_HOUR} an hour per account (429).`,
          body: ReportMatchesBody,
          response: { 200: ReportMatchesResponse, ...errors(400, 401, 403, 429) },
        },
      },
      async (req) => service.reportMatches(requireCitizen(req), req.body.matches),
    );

    app.get(
      '/exposure/cases/:caseId/ble-contacts',
      {
        schema: {
          tags,
          description: 'Citizens who reported a Bluetooth match with this case, with their evidence.',
          params: CaseIdParams,
          response: { 200: Type.Array(BleContact), ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => service.bleContacts(requireActor(req), req.params.caseId),
    );
  };
}
