/**
 * The hot read by id: concurrent look-ups share one statement, each gets its own answer (unknown and malformed ids
 * find nobody without failing the others), a look-up inside a transaction reads in it, and nothing is cached.
 */
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestEnv, type TestEnv, UNITS } from '../../../../test/harness.ts';
import { peopleRepo } from './repo.ts';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv({ provinces: ['75'] });
});
afterAll(async () => {
  await env?.close();
});

/** Counts the statements that read people. */
function counter() {
  const plugin: KyselyPlugin & { reads: number } = {
    reads: 0,
    transformQuery(args: PluginTransformQueryArgs) {
      if (args.node.kind === 'SelectQueryNode') plugin.reads++;
      return args.node;
    },
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<Record<string, unknown>>> {
      return args.result;
    },
  };
  return plugin;
}

it('answers concurrent look-ups with one statement, each with its own person', async () => {
  const names = ['Lê Thị A', 'Trần Văn B', 'Phạm Thị C'];
  const ids: string[] = [];
  for (const name of names)
    ids.push(
      (
        await env.ctx.db
          .insertInto('people')
          .values({ name, unit_code: UNITS.bienHoaCommune })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id,
    );
  const count = counter();
  const repo = peopleRepo(env.ctx.db.withPlugin(count));
  const unknown = '00000000-0000-4000-8000-000000000000';
  const found = await Promise.all([...ids, unknown, 'not-a-uuid', ids[0] as string].map((id) => repo.findById(id)));
  expect(found.map((p) => p?.name)).toEqual([...names, undefined, undefined, names[0]]);
  expect(found[0]?.unit_path).toBeTruthy();
  expect(count.reads).toBe(1);

  // not cached: a change is seen by the next look-up
  await env.ctx.db
    .updateTable('people')
    .set({ name: 'Lê Thị Á' })
    .where('id', '=', ids[0] as string)
    .execute();
  expect((await repo.findById(ids[0] as string))?.name).toBe('Lê Thị Á');
  expect(count.reads).toBe(2);

  // inside a transaction: read in it (sees its own uncommitted write), not batched outside it
  await env.ctx.db
    .transaction()
    .execute(async (trx) => {
      await trx
        .updateTable('people')
        .set({ name: 'chưa lưu' })
        .where('id', '=', ids[1] as string)
        .execute();
      expect((await repo.findById(ids[1] as string, trx))?.name).toBe('chưa lưu');
      throw new Error('roll back');
    })
    .catch(() => {});
  expect((await repo.findById(ids[1] as string))?.name).toBe('Trần Văn B');
});
