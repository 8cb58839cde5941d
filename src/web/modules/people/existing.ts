import { ApiError } from '../../lib/api.ts';

/**
 * The id of the person who already holds a national ID, from a PERSON_EXISTS refusal (registering a person, or
 * verifying a national ID another person holds verified): staff are told it, to open that record instead.
 */
export function existingIdOf(error: unknown): string | undefined {
  if (!(error instanceof ApiError) || error.code !== 'PERSON_EXISTS') return undefined;
  const details = error.details as { existingId?: unknown } | undefined;
  return typeof details?.existingId === 'string' ? details.existingId : undefined;
}
