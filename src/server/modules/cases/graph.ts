/**
 * The chain graph: cases in the actor's jurisdiction, their F1 and the F1s' F2 as nodes, linked case → F1 → F2 (and
 * source case → case); clusters = connected components (a case's source case, and contacts shared between cases).
 * Contacts appear as anonymous nodes labelled by degree and the case they belong to ("F1 · BN75-000012"); a contact
 * who is a case in the graph is that case's node. Dismissed contacts are no contacts. Audited.
 */
import type { Actor } from '../../platform/access.ts';
import { narrowScope, scopeOf } from '../../platform/authorize.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { casePolicy } from './policy.ts';
import type { CasesRepo } from './repo.ts';

export function graphService(ctx: PlatformContext, { repo }: { repo: CasesRepo }) {
  return {
    /** Cases with their F1 and F2 as a graph, clusters = connected components (source links and shared contacts). */
    async graph(actor: Actor, opts: { unitCode?: string | undefined; limit?: number | undefined }) {
      // the tracer workspace and leaders (`cases.dashboard`): the graph names cases by display code only
      let scope = scopeOf(casePolicy, actor, 'cases.dashboard');
      if (opts.unitCode) {
        const path = await repo.findUnitPath(opts.unitCode);
        if (path === undefined) throw new AppError('UNIT_NOT_FOUND', 400);
        scope = narrowScope(scope, path);
      }
      const limit = opts.limit ?? 10_000;
      const cases = await repo.searchForGraph(scope, limit);
      const caseIds = cases.map((c) => c.id);
      const f1Links = await repo.findF1Links(caseIds, limit * 5);
      const f2Links = await repo.findF2Links(caseIds, limit * 5);
      const caseByPerson = new Map(cases.map((c) => [c.person_id, c.id]));
      const codeOf = new Map(cases.map((c) => [c.id, c.display_code]));
      // a person is their case's node when they have one in the graph, else one anonymous contact node
      const nodeOf = (personId: string) => caseByPerson.get(personId) ?? `p:${personId}`;

      // union-find over cases and people to find clusters
      const parent = new Map<string, string>();
      const find = (x: string): string => {
        let r = x;
        while (parent.get(r) && parent.get(r) !== r) r = parent.get(r) as string;
        parent.set(x, r);
        return r;
      };
      const add = (x: string) => {
        if (!parent.has(x)) parent.set(x, x);
      };
      const union = (a: string, b: string) => {
        add(a);
        add(b);
        parent.set(find(a), find(b));
      };
      for (const c of cases) add(c.id);
      for (const l of f1Links) union(l.case_id, nodeOf(l.person_id));
      // an F2 hangs on the F1 they met (the case itself when the tracing did not record through whom)
      const f2Source = (l: (typeof f2Links)[number]) => (l.through_person_id ? nodeOf(l.through_person_id) : l.case_id);
      for (const l of f2Links) union(f2Source(l), nodeOf(l.person_id));
      for (const c of cases) if (c.source_case_id && parent.has(c.source_case_id)) union(c.id, c.source_case_id);
      const clusterIds = new Map<string, number>();
      const clusterOf = (id: string) => {
        const root = find(id);
        if (!clusterIds.has(root)) clusterIds.set(root, clusterIds.size);
        return clusterIds.get(root) as number;
      };
      const nodes: Array<{
        id: string;
        kind: string;
        label: string;
        cluster: number;
        status: string;
        degree?: number;
      }> = cases.map((c) => ({
        id: c.id,
        kind: 'case',
        label: c.display_code,
        cluster: clusterOf(c.id),
        status: c.status,
      }));
      const seen = new Set(nodes.map((n) => n.id));
      const edges: Array<{ source: string; target: string; kind: string }> = [];
      // F1 first, then F2 while the node budget lasts: a contact is labelled by the case they are a contact of
      // ("F1 · BN75-000012"), never by who they are
      for (const l of f1Links) {
        const target = nodeOf(l.person_id);
        if (!seen.has(target) && nodes.length < limit) {
          seen.add(target);
          nodes.push({
            id: target,
            kind: 'contact',
            label: `F1 · ${codeOf.get(l.case_id) ?? ''}`,
            cluster: clusterOf(target),
            status: 'contact',
            degree: 1,
          });
        }
        if (seen.has(target))
          edges.push({ source: l.case_id, target, kind: caseByPerson.has(l.person_id) ? 'case-to-case' : 'f1' });
      }
      for (const l of f2Links) {
        const source = f2Source(l);
        const target = nodeOf(l.person_id);
        if (!seen.has(source)) continue;
        if (!seen.has(target) && nodes.length < limit) {
          seen.add(target);
          nodes.push({
            id: target,
            kind: 'contact',
            label: `F2 · ${codeOf.get(l.case_id) ?? ''}`,
            cluster: clusterOf(target),
            status: 'contact',
            degree: 2,
          });
        }
        if (seen.has(target) && source !== target) edges.push({ source, target, kind: 'f2' });
      }
      for (const c of cases)
        if (c.source_case_id && seen.has(c.source_case_id))
          edges.push({ source: c.source_case_id, target: c.id, kind: 'source' });
      await ctx.audit.record({ actor, action: 'cases.graph', resourceType: 'case', details: { nodes: nodes.length } });
      return { nodes, edges, clusters: clusterIds.size };
    },
  };
}

export type GraphService = ReturnType<typeof graphService>;
