/**
 * Demo green passes: vaccination certificates issued at seeding for the first demo citizens with doses (those with
 * a phone first, so a demo sign-in shows one at once on "Thẻ xanh"); everyone else's is issued on their first visit.
 */
import type { AppContext } from '../context.ts';

export async function seedGreenPasses(ctx: AppContext, opts: { limit?: number } = {}): Promise<number> {
  const rows = await ctx.db
    .selectFrom('vaccination_doses')
    .innerJoin('people', 'people.id', 'vaccination_doses.person_id')
    .select(['vaccination_doses.person_id as personId', 'people.phone'])
    .distinct()
    .orderBy('people.phone', 'asc')
    .limit(opts.limit ?? 30)
    .execute();
  let issued = 0;
  for (const r of rows) if (await ctx.services.greenpass.issueVaccination(r.personId)) issued++;
  return issued;
}
