/**
 * Request-level helpers shared by every module's routes: who is calling, and the error schema that every
 * route lists for its 4xx responses.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Actor, CitizenActor, StaffActor } from './access.ts';
import { AppError } from './errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without signing in; every other API route answers 401 to an anonymous caller before parsing. */
    public?: boolean;
    /**
     * The body is data the route examines and answers about, not input it keeps (a scanned QR code's text): a NUL in
     * it is left to the route, which answers it as the garbled data it is, instead of 400 INVALID_CHARACTERS.
     */
    examinesBody?: boolean;
  }
  interface FastifyRequest {
    actor: Actor | undefined;
    /** Why a presented token did not authenticate. */
    authProblem: 'expired' | 'invalid' | undefined;
  }
}

export function requireActor(req: FastifyRequest): StaffActor | CitizenActor {
  const actor = req.actor;
  if (actor && actor.kind !== 'system') return actor;
  throw new AppError(req.authProblem === 'expired' ? 'SESSION_EXPIRED' : 'UNAUTHENTICATED', 401);
}

/**
 * A route's rate-limit key per signed-in account, not per address (a district's staff, a family or an office share
 * one address): `config: { rateLimit: { …, keyGenerator: perAccount('name') } }`. Runs after the app's auth hook, so
 * the actor is known; a request without one counts by its address.
 */
export function perAccount(prefix: string): (req: FastifyRequest) => string {
  return (req) => {
    const actor = req.actor;
    if (actor?.kind === 'staff') return `${prefix}:staff:${actor.userId}`;
    if (actor?.kind === 'citizen') return `${prefix}:citizen:${actor.personId}`;
    return `${prefix}:ip:${req.ip}`;
  };
}

export function requireStaff(req: FastifyRequest): StaffActor {
  const actor = requireActor(req);
  if (actor.kind !== 'staff') throw new AppError('FORBIDDEN', 403);
  return actor;
}

export function requireCitizen(req: FastifyRequest): CitizenActor {
  const actor = requireActor(req);
  if (actor.kind !== 'citizen') throw new AppError('FORBIDDEN', 403);
  return actor;
}

export const ErrorSchema = Type.Object(
  {
    /** the existing record's id on a 409 (AppError `extra`); listed so response serialization keeps it */
    id: Type.Optional(Type.String()),
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      messageVi: Type.String(),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { $id: 'Error' },
);

/** The error responses a route can give, for its response schema. */
export function errors(...statuses: number[]): Record<number, typeof ErrorSchema> {
  return Object.fromEntries(statuses.map((s) => [s, ErrorSchema]));
}

export const SESSION_COOKIE = 'tv_session';

/**
 * Sends a CSV file (already built, e.g. by `toCsv`: UTF-8 with BOM, CRLF) as a download named `filename`. The name is
 * reduced to letters, digits, dots, dashes and underscores, so nothing in it can break the header.
 */
export function sendCsv(reply: FastifyReply, filename: string, csv: string): FastifyReply {
  const safe = filename.replace(/[^A-Za-z0-9._-]/g, '_');
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${safe}"`)
    .send(csv);
}
