/** How a tracer names a person (opening a case, adding an interview contact): by id, national ID or phone. */
import type { Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import { AppError } from '../../platform/errors.ts';
import { isNationalId, normalizePhone } from '../../platform/formats.ts';
import type { CasesRepo } from './repo.ts';

/** A person reference from a request: the first of these given counts. */
export interface PersonRef {
  personId?: string | undefined;
  nationalId?: string | undefined;
  phone?: string | undefined;
}

/**
 * The person a reference names (with their unit path), or undefined when nobody matches. 400 for a malformed
 * national ID or phone, or no identifier at all. The caller authorizes what it does with the person.
 */
export async function findPersonByRef(repo: CasesRepo, ref: PersonRef, trx?: Transaction<DB>) {
  if (ref.personId) return repo.findPerson({ id: ref.personId }, trx);
  if (ref.nationalId) {
    if (!isNationalId(ref.nationalId)) throw new AppError('INVALID_NATIONAL_ID', 400);
    return repo.findPerson({ nationalId: ref.nationalId }, trx);
  }
  if (ref.phone) {
    const phone = normalizePhone(ref.phone);
    if (!phone) throw new AppError('INVALID_PHONE', 400);
    return repo.findPerson({ phone }, trx);
  }
  throw new AppError('PERSON_IDENTIFIER_REQUIRED', 400);
}
