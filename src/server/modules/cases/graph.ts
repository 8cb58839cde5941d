/**
 * The chain graph: cases in the actor's jurisdiction and their F1 links as nodes and edges, clusters = connected
 * components (a case's source case, and contacts shared between cases). Contacts appear as anonymous "F1" nodes.
 * Audited.
 */
import type { Actor } from '../../platform/access.ts';
import { narrowScope, scopeOf } from '../../platform/authorize.ts';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { casePolicy } from './policy.ts';
import type { CasesRepo } from './repo.ts';

export function graphService(ctx: PlatformContext, { repo }: { repo: CasesRepo }) {
  return {
    /** Cases and their F1 links as a graph, clusters = connected components (source links and shared contacts). */
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
      const links = await repo.findF1Links(
        cases.map((c) => c.id),
        limit * 5,
      );
      // union-find over cases and people to find clusters
      const parent = new Map<string, string>();
      const find = (x: string): string => {
        let r = x;
        while (parent.get(r) && parent.get(r) !== r) r = parent.get(r) as string;
        parent.set(x, r);
        return r;
      };
      const union = (a: string, b: string) => parent.set(find(a), find(b));
      const caseByPerson = new Map(cases.map((c) => [c.person_id, c.id]));
      for (const c of cases) parent.set(c.id, c.id);
      for (const l of links) {
        const target = caseByPerson.get(l.person_id) ?? `p:${l.person_id}`;
        if (!parent.has(target)) parent.set(target, target);
        union(l.case_id, target);
      }
      for (const c of cases) if (c.source_case_id && parent.has(c.source_case_id)) union(c.id, c.source_case_id);
      const clusterIds = new Map<string, number>();
      const clusterOf = (id: string) => {
        const root = find(id);
        if (!clusterIds.has(root)) clusterIds.set(root, clusterIds.size);
        return clusterIds.get(root) as number;
      };
      const nodes: Array<{ id: string; kind: string; label: string; cluster: number; status: string }> = cases.map(
        (c) => ({
          id: c.id,
          kind: 'case',
          label: c.display_code,
          cluster: clusterOf(c.id),
          status: c.status,
        }),
      );
      const seen = new Set(nodes.map((n) => n.id));
      const edges = [];
      for (const l of links) {
        const target = caseByPerson.get(l.person_id) ?? `p:${l.person_id}`;
        if (!seen.has(target) && nodes.length < limit) {
          seen.add(target);
          nodes.push({ id: target, kind: 'contact', label: 'F1', cluster: clusterOf(target), status: 'contact' });
        }
        if (seen.has(target))
          edges.push({ source: l.case_id, target, kind: caseByPerson.has(l.person_id) ? 'case-to-case' : 'f1' });
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
