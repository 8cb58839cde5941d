/**
 * Green pass (issue 17), owned by the greenpass module:
 *   - `gp_signer_keys`: the document-signer keys (ECDSA P-256) and their X.509 certificates; the private key is PKCS#8
 *     PEM, encrypted with TRUYVET_GREENPASS_KEY_SECRET when set, or kept in a file under TRUYVET_GREENPASS_KEY_DIR
 *     (then `private_key_pem` is null and `key_file` names it). One key signs at a time (`retired_at` null); retired
 *     keys stay in the trust list until their certificate expires (rotation with overlap).
 *   - `gp_certificates`: every certificate issued — for whom, what kind, from which record (`source_key`, and a hash
 *     of the record's content so a correction is noticed), its UVCI (and SHA-256 of it, as the revocation list
 *     publishes it), the QR text, validity; `revoked_at` puts it on the revocation list.
 *   - `gp_rules`: the business rules verifiers apply (CertLogic, the EU DCC rule format) and value sets, published by
 *     an admin without a release; the newest row of each kind is in force.
 *   - `gp_verifications`: one row per verification asked of the server (no personal data: verdict and reason), for
 *     the statistics.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was, not DB.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table gp_signer_keys (
      id serial primary key,
      kid text not null unique,
      certificate_der bytea not null,
      private_key_pem text,
      key_file text,
      encrypted boolean not null default false,
      not_before timestamptz not null,
      not_after timestamptz not null,
      created_at timestamptz not null default now(),
      retired_at timestamptz,
      check (private_key_pem is not null or key_file is not null)
    );
    create unique index gp_signer_keys_one_active on gp_signer_keys ((true)) where retired_at is null;

    create table gp_certificates (
      id uuid primary key default gen_random_uuid(),
      person_id uuid not null references people(id),
      type text not null check (type in ('v', 't', 'r')),
      source_key text not null,
      source_hash text not null,
      uvci text not null unique,
      uvci_hash text not null,
      kid text not null,
      qr text not null,
      summary jsonb not null,
      valid_from timestamptz not null,
      valid_until timestamptz not null,
      issued_at timestamptz not null default now(),
      revoked_at timestamptz,
      revoke_reason text
    );
    create unique index gp_certificates_current on gp_certificates (person_id, source_key) where revoked_at is null;
    create index gp_certificates_person_idx on gp_certificates (person_id);
    create index gp_certificates_revoked_idx on gp_certificates (revoked_at) where revoked_at is not null;
    create index gp_certificates_issued_idx on gp_certificates (issued_at);

    create table gp_rules (
      id serial primary key,
      kind text not null check (kind in ('rules', 'value-sets')),
      body jsonb not null,
      published_by uuid,
      published_at timestamptz not null default now()
    );

    create table gp_verifications (
      id bigserial primary key,
      at timestamptz not null default now(),
      verdict text not null,
      reason text not null
    );
    create index gp_verifications_at_idx on gp_verifications (at);
  `.execute(db);
}
