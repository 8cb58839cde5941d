/**
 * The transmission chain graph: cases, their F1 and the F1s' F2, coloured by cluster (F2 paler) and sized by kind
 * (`graphStyle.ts`, which the legend uses too), drawn with sigma.js (WebGL) so it stays interactive at 10,000+ nodes.
 * Case labels show at once on small graphs; F1 and F2 labels ("F1 · BN75-000012": whose contact, never who) when
 * zoomed in, and any node's on hover. Loaded on demand (App.tsx imports this module lazily), so citizens never
 * download it. `?synthetic=10000` draws a generated graph of that size instead of the real one (load testing).
 * `workspace`: the user works cases (tracer, health worker) — the page leads back to the case list and a case node
 * opens its case; a leader (figures only) goes back to the outbreak overview and opens no case.
 */
import Graph from 'graphology';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import Sigma from 'sigma';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Loading } from '../../components/Loading.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import type { GraphData } from '../../lib/api-types.ts';
import { formatNumber } from '../../lib/numbers.ts';
import { Link, navigate } from '../../lib/router.tsx';
import { useApiGet } from '../../lib/useApiGet.ts';
import { layoutGraph, syntheticGraph } from './graphLayout.ts';
import { clusterColour, kindOf, labelThreshold, MUTED, type NodeKind, nodeColour, nodeSize } from './graphStyle.ts';

const LEGEND_SIZE = 10;

interface ClusterSummary {
  cluster: number;
  cases: number;
  f1: number;
  f2: number;
}

function syntheticSize(): number | null {
  const raw = new URLSearchParams(window.location.search).get('synthetic');
  if (!raw) return null;
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 ? Math.min(n, 50_000) : null;
}

export default function GraphPage({ workspace }: { workspace: boolean }) {
  const { t } = useTranslation();
  const synthetic = useMemo(syntheticSize, []);
  const real = useApiGet<GraphData>(synthetic ? null : '/cases/graph?limit=10000');
  const data = useMemo(() => (synthetic ? syntheticGraph(synthetic) : real.data), [synthetic, real.data]);

  const clusters = useMemo(() => {
    const map = new Map<number, ClusterSummary>();
    for (const n of data?.nodes ?? []) {
      const s = map.get(n.cluster) ?? { cluster: n.cluster, cases: 0, f1: 0, f2: 0 };
      const kind = kindOf(n);
      if (kind === 'case') s.cases += 1;
      else if (kind === 'f1') s.f1 += 1;
      else s.f2 += 1;
      map.set(n.cluster, s);
    }
    return [...map.values()].sort((a, b) => b.cases - a.cases || b.f1 + b.f2 - (a.f1 + a.f2));
  }, [data]);

  return (
    <div className="cs-graph-page">
      <PageTitle>{t('cases.graph.title')}</PageTitle>
      <p>
        {workspace ? (
          <Link to="/cases">{t('cases.backToList')}</Link>
        ) : (
          <Link to="/dashboard">{t('cases.graph.backToDashboard')}</Link>
        )}
      </p>
      {synthetic ? <p className="alert alert-info">{t('cases.graph.synthetic', { count: synthetic })}</p> : null}
      <ErrorMessage error={real.error} />
      {!data && real.loading ? <Loading /> : null}
      {data ? (
        data.nodes.length === 0 ? (
          <p className="muted">{t('cases.graph.empty')}</p>
        ) : (
          <GraphView data={data} clusters={clusters} clickable={workspace && !synthetic} />
        )
      ) : null}
    </div>
  );
}

function GraphView({ data, clusters, clickable }: { data: GraphData; clusters: ClusterSummary[]; clickable: boolean }) {
  const { t, i18n } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const sigmaRef = useRef<Sigma | null>(null);
  const [casesOnly, setCasesOnly] = useState(false);
  const [focus, setFocus] = useState<number | null>(null);
  const [failed, setFailed] = useState<unknown>(null);
  const [renderMs, setRenderMs] = useState<number | null>(null);
  const [hovered, setHovered] = useState<{ isCase: boolean; label: string } | null>(null);

  // build the graph and the renderer once per data set
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const started = performance.now();
    const positions = layoutGraph(data);
    const graph = new Graph({ type: 'directed', multi: false, allowSelfLoops: false });
    // small graphs get bigger dots and every case label; big ones stay light
    const small = data.nodes.length < 500;
    for (const n of data.nodes) {
      const p = positions.get(n.id) ?? { x: 0, y: 0 };
      const kind = kindOf(n);
      graph.addNode(n.id, {
        x: p.x,
        y: p.y,
        size: nodeSize(kind, small),
        color: nodeColour(kind, n.cluster),
        label: n.label,
        kind: n.kind,
        drawn: kind,
        cluster: n.cluster,
        zIndex: kind === 'case' ? 2 : kind === 'f1' ? 1 : 0,
      });
    }
    for (const e of data.edges) {
      if (e.source === e.target || !graph.hasNode(e.source) || !graph.hasNode(e.target)) continue;
      if (graph.hasEdge(e.source, e.target)) continue;
      const contact = e.kind === 'f1' || e.kind === 'f2';
      graph.addEdge(e.source, e.target, {
        size: contact ? 0.5 : 1.5,
        color: e.kind === 'f2' ? '#d5dae1' : contact ? '#b8c0cc' : '#3d4754',
        kind: e.kind,
      });
    }
    let renderer: Sigma;
    try {
      renderer = new Sigma(graph, element, {
        hideEdgesOnMove: graph.size > 5000,
        hideLabelsOnMove: true,
        labelRenderedSizeThreshold: labelThreshold(small),
        labelDensity: 0.5,
        zIndex: true,
        minCameraRatio: 0.01,
        maxCameraRatio: 4,
      });
    } catch (e) {
      setFailed(e);
      return;
    }
    sigmaRef.current = renderer;
    // how many frames were drawn and how long the last took: read by the e2e responsiveness check and handy to
    // compare machines (the count changes on every redraw, so a click's effect can be timed to the pixel)
    let renders = 0;
    let renderStarted = 0;
    renderer.on('beforeRender', () => {
      renderStarted = performance.now();
    });
    renderer.on('afterRender', () => {
      renders += 1;
      element.dataset.renders = String(renders);
      element.dataset.renderMs = String(Math.round(performance.now() - renderStarted));
      // how many contact (F1/F2) labels are on screen: none at the default zoom, some once zoomed in
      let contactLabels = 0;
      for (const node of renderer.getNodeDisplayedLabels())
        if (graph.getNodeAttribute(node, 'kind') !== 'case') contactLabels += 1;
      element.dataset.contactLabels = String(contactLabels);
    });
    renderer.on('enterNode', ({ node }) => {
      setHovered({
        isCase: graph.getNodeAttribute(node, 'kind') === 'case',
        label: graph.getNodeAttribute(node, 'label') as string,
      });
      if (graph.getNodeAttribute(node, 'kind') === 'case') element.style.cursor = clickable ? 'pointer' : 'default';
    });
    renderer.on('leaveNode', () => {
      setHovered(null);
      element.style.cursor = '';
    });
    renderer.on('clickNode', ({ node }) => {
      if (clickable && graph.getNodeAttribute(node, 'kind') === 'case') navigate(`/cases/${node}`);
    });
    setRenderMs(Math.round(performance.now() - started));
    return () => {
      renderer.kill();
      sigmaRef.current = null;
    };
  }, [data, clickable]);

  // filters are reducers: no rebuild, just a redraw
  useEffect(() => {
    const renderer = sigmaRef.current;
    if (!renderer) return;
    renderer.setSetting('nodeReducer', (_node, attrs) => {
      const hidden = casesOnly && attrs.kind !== 'case';
      if (focus !== null && attrs.cluster !== focus) return { ...attrs, hidden, color: MUTED, label: '' };
      return { ...attrs, hidden };
    });
    renderer.setSetting('edgeReducer', (_edge, attrs) => {
      const hidden = casesOnly && (attrs.kind === 'f1' || attrs.kind === 'f2');
      return { ...attrs, hidden };
    });
  }, [casesOnly, focus]);

  const camera = (action: 'in' | 'out' | 'reset') => {
    const c = sigmaRef.current?.getCamera();
    if (!c) return;
    if (action === 'in') void c.animatedZoom({ duration: 200 });
    else if (action === 'out') void c.animatedUnzoom({ duration: 200 });
    else void c.animatedReset({ duration: 200 });
  };

  const number = (n: number) => formatNumber(n, i18n.language);
  const caseCount = clusters.reduce((s, c) => s + c.cases, 0);
  const f1Count = clusters.reduce((s, c) => s + c.f1, 0);
  const f2Count = clusters.reduce((s, c) => s + c.f2, 0);
  // the legend's kinds are drawn in the colours of the biggest cluster, as its nodes are
  const sample = clusters[0]?.cluster ?? 0;
  const dot = (kind: NodeKind) => ({
    background: nodeColour(kind, sample),
    width: `${2 * nodeSize(kind, true)}px`,
    height: `${2 * nodeSize(kind, true)}px`,
  });
  return (
    <>
      <p
        className="cs-graph-summary"
        data-nodes={data.nodes.length}
        data-edges={data.edges.length}
        data-f1={f1Count}
        data-f2={f2Count}
      >
        {t('cases.graph.summary', {
          nodes: number(data.nodes.length),
          cases: number(caseCount),
          f1: number(f1Count),
          f2: number(f2Count),
          edges: number(data.edges.length),
          clusters: number(data.clusters),
        })}
        {renderMs !== null ? <span className="muted"> {t('cases.graph.drawn', { ms: number(renderMs) })}</span> : null}
      </p>
      <div className="cs-graph-controls" role="toolbar" aria-label={t('cases.graph.controls')}>
        <button type="button" className="button button-secondary button-small" onClick={() => camera('in')}>
          {t('cases.graph.zoomIn')}
        </button>
        <button type="button" className="button button-secondary button-small" onClick={() => camera('out')}>
          {t('cases.graph.zoomOut')}
        </button>
        <button type="button" className="button button-secondary button-small" onClick={() => camera('reset')}>
          {t('cases.graph.reset')}
        </button>
        <button
          type="button"
          className="button button-secondary button-small"
          aria-pressed={casesOnly}
          onClick={() => setCasesOnly(!casesOnly)}
        >
          {t('cases.graph.casesOnly')}
        </button>
      </div>
      {failed ? <p className="alert alert-error">{t('cases.graph.noWebgl')}</p> : null}
      <div className="cs-graph-layout">
        <div
          ref={container}
          className="cs-graph"
          role="img"
          aria-label={t('cases.graph.canvasLabel', {
            nodes: number(data.nodes.length),
            clusters: number(data.clusters),
          })}
        />
        <aside className="cs-legend" aria-labelledby="cs-legend-title">
          <h2 id="cs-legend-title">{t('cases.graph.legend')}</h2>
          <p className="hint">{clickable ? t('cases.graph.clickHint') : t('cases.graph.hoverHint')}</p>
          <p className="cs-hovered" aria-live="polite">
            {hovered ? (hovered.isCase ? t('cases.graph.hovered', { code: hovered.label }) : hovered.label) : ''}
          </p>
          <ul className="cs-legend-list">
            <li className="cs-legend-kinds">
              {(['case', 'f1', 'f2'] as const).map((kind) => (
                <span key={kind} className="cs-legend-kind" data-kind={kind}>
                  <span
                    className="cs-dot"
                    style={dot(kind)}
                    data-colour={nodeColour(kind, sample)}
                    aria-hidden="true"
                  />{' '}
                  {t(`cases.graph.kind.${kind}`)}
                </span>
              ))}
            </li>
            <li className="hint">{t('cases.graph.coloursHint')}</li>
            {clusters.slice(0, LEGEND_SIZE).map((c, i) => (
              <li key={c.cluster} className="cs-legend-item" data-cluster={c.cluster}>
                <button
                  type="button"
                  className="cs-legend-button"
                  aria-pressed={focus === c.cluster}
                  onClick={() => setFocus(focus === c.cluster ? null : c.cluster)}
                >
                  <span
                    className="cs-swatch"
                    style={{ background: clusterColour(c.cluster) }}
                    data-colour={clusterColour(c.cluster)}
                    aria-hidden="true"
                  />
                  {t('cases.graph.cluster', { n: i + 1, cases: c.cases, f1: c.f1, f2: c.f2 })}
                </button>
              </li>
            ))}
          </ul>
          {focus !== null && clickable ? <ClusterCases data={data} cluster={focus} /> : null}
          {clusters.length > LEGEND_SIZE ? (
            <p className="muted">{t('cases.graph.moreClusters', { count: clusters.length - LEGEND_SIZE })}</p>
          ) : null}
        </aside>
      </div>
    </>
  );
}

/** The cases of the highlighted cluster as links: the keyboard (and screen reader) way into the graph. */
function ClusterCases({ data, cluster }: { data: GraphData; cluster: number }) {
  const { t } = useTranslation();
  const cases = data.nodes.filter((n) => n.cluster === cluster && n.kind === 'case');
  return (
    <div className="cs-cluster-cases">
      <h3>{t('cases.graph.clusterCases', { count: cases.length })}</h3>
      <ul>
        {cases.slice(0, 50).map((n) => (
          <li key={n.id}>
            <Link to={`/cases/${n.id}`}>{n.label}</Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
