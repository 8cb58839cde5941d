/**
 * /api/v1: the citizen's passes (/me/green-pass), the public trust list, revocation list and rules that verifiers
 * cache, server-side verification (bad QR content is a 200 with valid: false and a reason, never a 4xx), and the
 * staff's revocation, rules publishing, key rotation and statistics.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { toCsv } from '../../platform/csv.ts';
import { errors, perAccount, requireCitizen, requireStaff, sendCsv } from '../../platform/http.ts';
import {
  MyPassQuery,
  MyPassResponse,
  PublishRulesBody,
  RevocationsResponse,
  RevokeBody,
  RevokeResponse,
  RotateResponse,
  RulesResponse,
  StatsQuery,
  StatsResponse,
  TrustListResponse,
  VerifyBody,
  VerifyResponse,
} from './schemas.ts';
import type { GreenpassService } from './service.ts';

/** printable passes per citizen account and minute */
const PDF_PER_MINUTE = 10;
/**
 * Fetches of the passes per citizen account and minute (a fetch may sign a new certificate and put the old one on the
 * revocation list: the page asks once per person shown, the citizen and each dependant).
 */
export const PASSES_PER_MINUTE = 30;

export function greenpassRoutes(service: GreenpassService): FastifyPluginAsync {
  return async (plain) => {
    const app = plain.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['green-pass'];
    // a verifier at a busy door checks a pass every few seconds; a scripted client (an integrator's tests) more
    const rateLimit = { max: 300, timeWindow: '1 minute' };

    app.get(
      '/me/green-pass',
      {
        schema: {
          tags,
          description:
            "The signed-in citizen's green pass certificates (HCERT / EU DCC QR texts), or a dependant's with " +
            '`personId` (404 for anyone else). Issued, or re-issued after a correction, as the records stand. ' +
            `At most ${PASSES_PER_MINUTE} a minute per account (429).`,
          querystring: MyPassQuery,
          response: { 200: MyPassResponse, ...errors(400, 401, 403, 404, 429) },
        },
        config: { rateLimit: { max: PASSES_PER_MINUTE, timeWindow: '1 minute', keyGenerator: perAccount('gp') } },
      },
      async (req) => service.myPasses(requireCitizen(req), req.query.personId),
    );

    app.get(
      '/me/green-pass.pdf',
      {
        schema: {
          tags,
          description:
            'The printable pass (A4 PDF, a page per certificate in force: name, birth date, status in words, ' +
            'validity, the QR 12 cm wide, black on white); `personId` for a dependant (404 for anyone else). ' +
            `At most ${PDF_PER_MINUTE} a minute per account (429).`,
          querystring: MyPassQuery,
          produces: ['application/pdf'],
          response: { 200: Type.Any({ description: 'A4 PDF' }), ...errors(400, 401, 403, 404, 429) },
        },
        // per account: a render costs CPU (fonts), and nobody prints their pass more than a few times a minute
        config: {
          rateLimit: { max: PDF_PER_MINUTE, timeWindow: '1 minute', keyGenerator: perAccount('gp-pdf') },
        },
      },
      async (req, reply) => {
        const { pdf, filename } = await service.myPassPdf(requireCitizen(req), req.query.personId);
        return reply
          .type('application/pdf')
          .header('content-disposition', `attachment; filename="${filename}"`)
          .header('cache-control', 'no-store')
          .send(pdf);
      },
    );

    app.get(
      '/green-pass/trust-list',
      {
        config: { public: true },
        schema: {
          tags,
          description: 'The document-signer certificates a verifier trusts (cache it: verification is offline).',
          response: { 200: TrustListResponse },
        },
      },
      async () => service.trustList(),
    );

    app.get(
      '/green-pass/revocations',
      {
        config: { public: true },
        schema: {
          tags,
          description: 'Revoked certificates still within their validity, as base64 SHA-256 of the UVCI.',
          response: { 200: RevocationsResponse },
        },
      },
      async () => service.revocations(),
    );

    app.get(
      '/green-pass/rules',
      {
        config: { public: true },
        schema: {
          tags,
          description: 'The business rules (CertLogic, EU DCC rule format) and value sets verifiers apply.',
          response: { 200: RulesResponse },
        },
      },
      async () => service.rules(),
    );

    app.put(
      '/green-pass/rules',
      {
        schema: {
          tags,
          description:
            'Publishes rules and/or value sets (national admins; 404 for an admin of a province or below): in force ' +
            'at once, no release needed.',
          body: PublishRulesBody,
          response: { 200: RulesResponse, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => service.publishRules(requireStaff(req), req.body),
    );

    app.post(
      '/green-pass/verify',
      {
        config: { public: true, rateLimit, examinesBody: true },
        schema: {
          tags,
          description:
            'Verifies a QR text on the server (the verifier page does it offline): 200 with valid, verdict ' +
            '(green / yellow / red), reason and the holder (name, date of birth) — a garbled, oversized or ' +
            'foreign-unsigned code (a NUL in it included) is valid: false with a reason code. 400 only for a body ' +
            'that is not {qr: string}; 413 above the API body limit.',
          body: VerifyBody,
          response: { 200: VerifyResponse, ...errors(400, 429) },
        },
      },
      async (req) => service.verify(req.body.qr, req.headers['accept-language']?.startsWith('en') ? 'en' : 'vi'),
    );

    app.post(
      '/green-pass/revocations',
      {
        schema: {
          tags,
          description: 'Revokes a certificate by its UVCI (health workers, admins); it joins the revocation list.',
          body: RevokeBody,
          response: { 200: RevokeResponse, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (req) => service.revoke(requireStaff(req), req.body.uvci, req.body.reason),
    );

    app.post(
      '/green-pass/keys/rotate',
      {
        schema: {
          tags,
          description:
            'Retires the signing key and makes a new one (national admins; 404 for an admin of a province or below); ' +
            'the old stays in the trust list.',
          response: { 200: RotateResponse, ...errors(401, 403, 404) },
        },
      },
      async (req) => service.rotateKey(requireStaff(req)),
    );

    app.get(
      '/green-pass/stats',
      {
        schema: {
          tags,
          description:
            'Certificates issued and revoked per day and type, verifications per day and verdict; `format=csv` too.',
          querystring: StatsQuery,
          response: { 200: Type.Union([StatsResponse, Type.String()]), ...errors(400, 401, 403) },
        },
      },
      async (req, reply) => {
        const stats = await service.stats(requireStaff(req), req.query.days ?? 30);
        if (req.query.format !== 'csv') return stats;
        const csv = toCsv(
          ['day', 'kind', 'key', 'count'],
          stats.days.map((d) => [d.day, d.kind, d.key, d.n]),
        );
        return sendCsv(reply, 'green-pass-stats.csv', csv);
      },
    );
  };
}
