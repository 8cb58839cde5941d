/**
 * The shape every business module has at run time. A module's public entry (`modules/<name>/index.ts`) exports its
 * manifest (name and the tables it owns) and a factory that the composition root calls once, with the platform
 * context and the services of the modules it depends on; the factory builds the module's service, routes, job
 * handlers and anything long-lived (caches, group-commit writers, worker pools) exactly once.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { JobRegistration } from './jobs.ts';

export interface ModuleManifest {
  readonly name: string;
  /** Tables this module alone writes and reads (docs/ARCHITECTURE.md lists them; a test holds the code to it). */
  readonly owns: readonly string[];
  /**
   * Tables of other modules this module's SQL reads, each with the reason; everything else goes through the owner's
   * service. Writes are never shared.
   */
  readonly reads?: Readonly<Record<string, string>>;
}

export interface ModuleInstance<S = unknown> {
  readonly manifest: ModuleManifest;
  /** What other modules may call (built once). */
  readonly service: S;
  /** Routes under /api/v1. */
  readonly routes?: FastifyPluginAsync;
  /** Outbox topics this module consumes, with their handlers (registered in every role; run by workers). */
  readonly jobs?: readonly JobRegistration[];
  /** Runs when a worker starts (e.g. schedules recurring maintenance). */
  readonly onWorkerStart?: () => Promise<void>;
  /** Releases what the module holds (worker threads, timers) when the app closes. */
  readonly close?: () => Promise<void>;
}

/**
 * Tables the platform itself owns (sessions, the audit chain, the job queue / outbox, the fake notifier's record,
 * idempotency keys, signing keys, the rate limits' counters): modules use them only through the platform's functions.
 */
export const PLATFORM_TABLES = [
  'sessions',
  'audit_log',
  'jobs',
  'notify_fake_messages',
  'idempotency_keys',
  'signing_keys',
  'rate_limit_hits',
] as const;

/**
 * Module tables the platform reads, each with its reason (checked like a module's `reads`: ownership.test.ts). The
 * platform never writes a module's table.
 */
export const PLATFORM_READS: Readonly<Record<string, string>> = {
  staff_users:
    "sessions: resolving a session token joins the staff account (disabled? TOTP?) in one query on every request; audit: the viewer shows the actor's username",
  staff_grants:
    "sessions: a staff session carries the account's grants (role, unit path), read when the session is resolved",
  citizen_accounts: 'sessions: resolving a citizen session joins the account (the person it is, blocked or not)',
  admin_units:
    "sessions: a grant's unit path (the jurisdiction every access check compares against); audit: the viewer's scope filter on an entry's unit",
};
