/**
 * Positions for the chain graph without a force simulation (which would block the page for seconds at 10,000
 * nodes): each cluster is a sunflower spiral — its cases first, so they sit in the middle, their contacts around
 * them — and the clusters are packed in rows, biggest first. O(n), deterministic.
 */
import type { GraphData } from '../../lib/api-types.ts';

export interface Placed {
  x: number;
  y: number;
}

const GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));
const SPACING = 1;
const GAP = 3;

export function layoutGraph(data: GraphData): Map<string, Placed> {
  const byCluster = new Map<number, GraphData['nodes']>();
  for (const node of data.nodes) {
    const list = byCluster.get(node.cluster);
    if (list) list.push(node);
    else byCluster.set(node.cluster, [node]);
  }
  const clusters = [...byCluster.entries()]
    .map(([id, nodes]) => ({
      id,
      nodes: nodes.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'case' ? -1 : 1)),
      radius: SPACING * Math.sqrt(nodes.length) + 1,
    }))
    .sort((a, b) => b.radius - a.radius);

  const area = clusters.reduce((sum, c) => sum + (2 * c.radius + GAP) ** 2, 0);
  const rowWidth = Math.max(Math.sqrt(area) * 1.1, (clusters[0]?.radius ?? 1) * 2 + GAP);
  const positions = new Map<string, Placed>();
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  for (const cluster of clusters) {
    const d = 2 * cluster.radius + GAP;
    if (x > 0 && x + d > rowWidth) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const cx = x + d / 2;
    const cy = y + d / 2;
    cluster.nodes.forEach((node, i) => {
      const r = SPACING * Math.sqrt(i + 0.5);
      const a = i * GOLDEN_ANGLE;
      // screen y grows downwards in sigma's graph space too: negate so rows go top to bottom
      positions.set(node.id, { x: cx + r * Math.cos(a), y: -(cy + r * Math.sin(a)) });
    });
    x += d;
    rowHeight = Math.max(rowHeight, d);
  }
  return positions;
}

/** A reproducible random graph shaped like real outbreaks (clusters of cases, each with its F1), for load tests. */
export function syntheticGraph(size: number, seed = 1): GraphData {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const nodes: GraphData['nodes'] = [];
  const edges: GraphData['edges'] = [];
  let cluster = 0;
  let caseNo = 0;
  while (nodes.length < size) {
    const casesInCluster = 1 + Math.floor(random() ** 3 * 12);
    const caseIds: string[] = [];
    for (let c = 0; c < casesInCluster && nodes.length < size; c++) {
      const id = `syn-case-${caseNo}`;
      caseNo += 1;
      nodes.push({ id, kind: 'case', label: `BN75-${String(caseNo).padStart(6, '0')}`, cluster, status: 'confirmed' });
      if (caseIds.length > 0) {
        const source = caseIds[Math.floor(random() * caseIds.length)] as string;
        edges.push({ source, target: id, kind: 'case-to-case' });
      }
      caseIds.push(id);
      const contacts = Math.floor(random() * 16);
      for (let k = 0; k < contacts && nodes.length < size; k++) {
        const contactId = `syn-f1-${nodes.length}`;
        nodes.push({ id: contactId, kind: 'contact', label: 'F1', cluster, status: 'contact' });
        edges.push({ source: id, target: contactId, kind: 'f1' });
      }
    }
    cluster += 1;
  }
  return { nodes, edges, clusters: cluster };
}
