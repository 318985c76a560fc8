import '@xyflow/react/dist/style.css'
import { useQuery } from '@tanstack/react-query'
import {
  Background,
  Controls,
  type Edge,
  Handle,
  MarkerType,
  type Node,
  type NodeProps,
  Position,
  ReactFlow,
  useReactFlow,
} from '@xyflow/react'
import {
  createContext,
  type FormEvent,
  type KeyboardEvent,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from 'react'
import { Link, useSearchParams } from 'react-router'
import { AsOfInput, Empty, ErrorBox, Loading, PageHeader, QueryView, StatusBadge } from '../components/ui'
import { useI18n } from '../i18n/context'
import { localReason } from '../i18n/reasons'
import { todayIso } from '../lib/dates'
import {
  type ArrowKey,
  groupLineage,
  type LaidOutNode,
  layoutLineage,
  neighbourNode,
} from '../lib/lineage-layout'
import { useTRPC } from '../trpc'

type RootKind = 'product' | 'certificate' | 'report'
const ROOT_KINDS: RootKind[] = ['product', 'certificate', 'report']

type LineageNodeData = LaidOutNode['data']
type LineageFlowNode = Node<LineageNodeData, 'lineage'>

/**
 * Keyboard use of the graph (one Tab stop, roving focus): the node that takes focus, and what the
 * arrow keys and Enter do. Nodes read it from context since React Flow renders them.
 */
interface GraphKeys {
  active: string | null
  setActive(id: string): void
  /** Opens a node's panel, or expands a group. */
  open(id: string): void
}
const GraphKeysContext = createContext<GraphKeys | null>(null)

const ARROWS: ReadonlySet<string> = new Set(['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight'])
const NODE_WIDTH = 210

function LineageNodeView({ id, data, selected }: NodeProps<LineageFlowNode>) {
  const { t, term } = useI18n()
  const keys = useContext(GraphKeysContext)
  const { getNodes, getZoom, setCenter } = useReactFlow<LineageFlowNode>()
  const isGroup = data.groupSize !== undefined
  const label = isGroup
    ? t('lineage.groupCount', { n: data.groupSize ?? 0 })
    : nodeLabel(data.kind, data.label)
  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault()
      keys?.open(id)
      return
    }
    if (!ARROWS.has(event.key)) return
    event.preventDefault()
    const nodes = getNodes()
    const next = neighbourNode(nodes, id, event.key as ArrowKey)
    const target = next ? nodes.find((node) => node.id === next) : undefined
    if (!next || !target) return
    keys?.setActive(next)
    // Bring the node into view (a large graph pans rather than shrinking its labels), then focus it.
    void setCenter(target.position.x + NODE_WIDTH / 2, target.position.y + 30, {
      zoom: getZoom(),
      duration: 150,
    })
    const element = event.currentTarget
      .closest('.react-flow')
      ?.querySelector<HTMLElement>(`[data-node-id="${CSS.escape(next)}"]`)
    element?.focus({ preventScroll: true })
  }
  return (
    <>
      <Handle type="target" position={Position.Left} />
      <button
        type="button"
        className={`flow-node tone-${data.tone}${data.isRoot ? ' root' : ''}${selected ? ' selected' : ''}${isGroup ? ' group' : ''}`}
        data-node-id={id}
        data-testid={isGroup ? `lineage-group-${data.kind}` : undefined}
        tabIndex={keys?.active === id ? 0 : -1}
        aria-expanded={isGroup ? false : undefined}
        onFocus={() => keys?.setActive(id)}
        onKeyDown={onKeyDown}
      >
        <span className="flow-node-kind">{term(data.kind)}</span>
        <span className="flow-node-label" title={isGroup ? label : data.label}>
          {label}
        </span>
        <span className="flow-node-status">{isGroup ? t('lineage.groupHint') : term(data.status)}</span>
      </button>
      <Handle type="source" position={Position.Right} />
    </>
  )
}

const nodeTypes = { lineage: LineageNodeView }

/** Fitting never shrinks below 95 %: node text (13 px) stays ≥ 12 px; a large graph pans instead. */
const FIT = { minZoom: 0.95, maxZoom: 1.25 }

/** Fits the graph again when it changes or the side panel narrows the canvas. */
function RefitOn({ signature }: { signature: string }) {
  const { fitView } = useReactFlow()
  useEffect(() => {
    const frame = requestAnimationFrame(() => void fitView({ duration: 200, ...FIT }))
    return () => cancelAnimationFrame(frame)
  }, [signature, fitView])
  return null
}

/** A node's data value in words: lists joined, standard refs as code-version, yes/no, terms translated. */
function plainValue(
  value: unknown,
  term: (v: string) => string,
  t: (key: 'common.yes' | 'common.no') => string,
): string {
  if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no')
  if (Array.isArray(value)) return value.map((v) => plainValue(v, term, t)).join('、')
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>
    if (typeof record.code === 'string' && typeof record.version === 'string')
      return `${record.code}-${record.version}`
    if (typeof record.name === 'string') return record.name
    if (typeof record.productName === 'string')
      return `${record.productName} ${String(record.model ?? '')}`.trim()
    return Object.values(record)
      .filter((v) => typeof v === 'string' || typeof v === 'number')
      .join(' ')
  }
  return term(String(value))
}

/** Labels the graph stores with an English kind prefix ('report R-1'): the kind is shown above them. */
export function nodeLabel(kind: string, label: string): string {
  return label.startsWith(`${kind} `) ? label.slice(kind.length + 1) : label
}

function NodePanel({ id, asOf, onClose }: { id: string; asOf: string; onClose(): void }) {
  const { t, term, moment, lang } = useI18n()
  const trpc = useTRPC()
  const detail = useQuery(trpc.lineage.node.queryOptions({ id, asOf: asOf || undefined }))
  return (
    <aside className="side-panel card" data-testid="node-panel">
      <div className="side-panel-head">
        <strong>{id}</strong>
        <button type="button" className="link-button" onClick={onClose} data-testid="node-panel-close">
          ✕
        </button>
      </div>
      <QueryView query={detail}>
        {(d) => (
          <>
            <p>
              {term(d.node.kind)} · {nodeLabel(d.node.kind, d.node.label)}{' '}
              <StatusBadge status={d.node.status?.status} />
            </p>
            <dl className="facts" data-testid="node-facts">
              {Object.entries(d.node.data as Record<string, unknown>)
                .filter(([, value]) => value !== null && value !== undefined && value !== '')
                .map(([key, value]) => (
                  <div key={key} className="fact-row">
                    <dt>{term(`field.${key}`) === `field.${key}` ? key : term(`field.${key}`)}</dt>
                    <dd>{plainValue(value, term, t)}</dd>
                  </div>
                ))}
            </dl>
            <h3>{t('lineage.history')}</h3>
            {d.history.length === 0 ? (
              <Empty />
            ) : (
              <ol className="timeline">
                {d.history.map((h) => (
                  <li key={`${h.since}-${String(h.position)}`}>
                    <div className="timeline-dot" />
                    <div>
                      <StatusBadge status={h.status} /> {h.since}{' '}
                      {h.since > todayIso() ? (
                        <span className="badge tone-neutral" data-testid="scheduled">
                          {t('lineage.scheduled', { date: h.since })}
                        </span>
                      ) : null}{' '}
                      <span className="muted small">#{String(h.position)}</span>
                      {localReason(h.reason, h.reasonPhrases, lang) ? (
                        <div className="small" data-testid="history-reason">
                          {localReason(h.reason, h.reasonPhrases, lang)}
                        </div>
                      ) : null}
                      {h.cause ? (
                        <div className="muted small">
                          {t('certs.cause')}: {term(h.cause.kind)} {h.cause.ref ?? ''}
                        </div>
                      ) : null}
                      {h.causeChain.length > 0 ? (
                        <div className="cause-chain" data-testid="cause-chain">
                          <div className="small">{t('lineage.causeChain')}</div>
                          <ol>
                            {h.causeChain.map((link) => (
                              <li key={link.eventId}>
                                {term(link.type)} · {link.nodeId} · {moment(link.occurredAt)}{' '}
                                <span className="muted">#{String(link.position)}</span>
                              </li>
                            ))}
                          </ol>
                        </div>
                      ) : null}
                    </div>
                  </li>
                ))}
              </ol>
            )}
          </>
        )}
      </QueryView>
    </aside>
  )
}

function useLineage(kind: RootKind, id: string, asOf: string) {
  const trpc = useTRPC()
  const time = { asOf: asOf || undefined }
  const enabled = id !== ''
  const product = useQuery({
    ...trpc.lineage.ofProduct.queryOptions({ productId: id, ...time }),
    enabled: enabled && kind === 'product',
  })
  const certificate = useQuery({
    ...trpc.lineage.ofCertificate.queryOptions({ certificateNo: id, ...time }),
    enabled: enabled && kind === 'certificate',
  })
  const report = useQuery({
    ...trpc.lineage.ofReport.queryOptions({ reportNo: id, ...time }),
    enabled: enabled && kind === 'report',
  })
  return kind === 'product' ? product : kind === 'certificate' ? certificate : report
}

export function LineagePage() {
  const { t, term, lang } = useI18n()
  const [params, setParams] = useSearchParams()
  const kind = (ROOT_KINDS as string[]).includes(params.get('kind') ?? '')
    ? (params.get('kind') as RootKind)
    : 'product'
  const id = params.get('id') ?? ''
  const asOf = params.get('asOf') ?? todayIso()
  const [draftKind, setDraftKind] = useState<RootKind>(kind)
  const [draftId, setDraftId] = useState(id)
  const [selected, setSelected] = useState<string | null>(null)
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set())
  const [active, setActive] = useState<string | null>(null)
  const lineage = useLineage(kind, id, asOf)

  const update = (patch: Record<string, string>) => {
    const next = new URLSearchParams(params)
    for (const [key, value] of Object.entries(patch)) {
      if (value) next.set(key, value)
      else next.delete(key)
    }
    setParams(next, { replace: false })
  }
  const submit = (event: FormEvent) => {
    event.preventDefault()
    setSelected(null)
    setExpanded(new Set())
    setActive(null)
    update({ kind: draftKind, id: draftId.trim() })
  }

  const flow = useMemo(() => {
    if (!lineage.data) return null
    const laidOut = layoutLineage(groupLineage(lineage.data, { expanded }))
    const nodes: LineageFlowNode[] = laidOut.nodes.map((n) => ({ ...n, type: 'lineage' }))
    const edges: Edge[] = laidOut.edges.map((e) => ({
      ...e,
      label: term(e.label),
      markerEnd: { type: MarkerType.ArrowClosed },
      className: 'flow-edge',
    }))
    // The list shows every node, grouped or not.
    const grouped = nodes.some((n) => n.data.groupSize !== undefined)
    const listed = grouped ? layoutLineage(lineage.data).nodes : laidOut.nodes
    return { nodes, edges, listed }
  }, [lineage.data, term, expanded])

  const open = useCallback(
    (nodeId: string) => {
      const group = flow?.nodes.find((node) => node.id === nodeId && node.data.groupSize !== undefined)
      if (group) {
        setExpanded((kinds) => new Set([...kinds, group.data.kind]))
        setActive(null)
      } else setSelected(nodeId)
    },
    [flow],
  )
  const rootId = flow?.nodes.find((node) => node.data.isRoot)?.id ?? flow?.nodes[0]?.id ?? null
  const activeId = active && flow?.nodes.some((node) => node.id === active) ? active : rootId
  const graphKeys = useMemo<GraphKeys>(() => ({ active: activeId, setActive, open }), [activeId, open])

  return (
    <>
      <PageHeader title={t('lineage.title')}>
        <AsOfInput value={asOf} onChange={(value) => update({ asOf: value })} />
      </PageHeader>
      <form className="card filters" onSubmit={submit}>
        <label className="field">
          <span>{t('lineage.rootKind')}</span>
          <select
            value={draftKind}
            onChange={(event) => setDraftKind(event.target.value as RootKind)}
            data-testid="lineage-kind"
          >
            {ROOT_KINDS.map((k) => (
              <option key={k} value={k}>
                {term(k)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('lineage.rootId')}</span>
          <input
            value={draftId}
            onChange={(event) => setDraftId(event.target.value)}
            data-testid="lineage-id"
          />
        </label>
        <button
          type="submit"
          className="primary"
          disabled={draftId.trim() === ''}
          data-testid="lineage-submit"
        >
          {t('lineage.show')}
        </button>
      </form>
      {id === '' ? (
        <Empty>{t('lineage.pick')}</Empty>
      ) : lineage.isPending ? (
        <Loading />
      ) : lineage.isError ? (
        <ErrorBox error={lineage.error} />
      ) : lineage.data && flow ? (
        <>
          <div className="lineage-summary">
            {Object.entries(lineage.data.counts).map(([k, n]) => (
              <span key={k} className="chip">
                {term(k)}: {n}
              </span>
            ))}
            <span className="muted small">
              {t('common.asOf')} {lineage.data.asOf}
            </span>
          </div>
          {lineage.data.problems.length > 0 ? (
            <div className="warn-box" data-testid="lineage-problems">
              <strong>{t('lineage.problems', { n: lineage.data.problems.length })}</strong>
              <ul>
                {lineage.data.problems.map((p) => (
                  <li key={p.id}>
                    <button type="button" className="link-button" onClick={() => setSelected(p.id)}>
                      {term(p.kind)} {nodeLabel(p.kind, p.label)}
                    </button>{' '}
                    <StatusBadge status={p.status} /> {localReason(p.reason, p.reasonPhrases, lang)}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          <p className="muted small" id="lineage-graph-help">
            {t('lineage.graphHelp')}
          </p>
          {expanded.size > 0 ? (
            <div className="lineage-summary">
              {[...expanded].map((k) => (
                <button
                  key={k}
                  type="button"
                  className="link-button"
                  onClick={() => setExpanded((kinds) => new Set([...kinds].filter((other) => other !== k)))}
                  data-testid={`lineage-collapse-${k}`}
                >
                  {t('lineage.groupCollapse', { kind: term(k) })}
                </button>
              ))}
            </div>
          ) : null}
          <div className={selected ? 'lineage-layout with-panel' : 'lineage-layout'}>
            <section
              className="flow-wrap"
              data-testid="lineage-graph"
              aria-label={t('lineage.title')}
              aria-describedby="lineage-graph-help"
            >
              <GraphKeysContext.Provider value={graphKeys}>
                <ReactFlow
                  nodes={flow.nodes}
                  edges={flow.edges}
                  nodeTypes={nodeTypes}
                  onNodeClick={(_event, node) => open(node.id)}
                  nodesConnectable={false}
                  nodesFocusable={false}
                  edgesFocusable={false}
                  fitView
                  fitViewOptions={FIT}
                  minZoom={0.1}
                >
                  <Background />
                  <Controls showInteractive={false} />
                  <RefitOn
                    signature={`${flow.nodes.length}:${flow.edges.length}:${selected ? 'panel' : 'full'}`}
                  />
                </ReactFlow>
              </GraphKeysContext.Provider>
            </section>
            {selected ? <NodePanel id={selected} asOf={asOf} onClose={() => setSelected(null)} /> : null}
          </div>
          <div className="lineage-legend" data-testid="lineage-legend">
            <span className="badge tone-good">{t('lineage.legendGood')}</span>
            <span className="badge tone-warn">{t('lineage.legendWarn')}</span>
            <span className="badge tone-bad">{t('lineage.legendBad')}</span>
            <span className="badge tone-neutral">{t('lineage.legendNeutral')}</span>
            <span className="badge tone-neutral legend-group">{t('lineage.legendGroup')}</span>
          </div>
          <p className="muted small">
            {t('lineage.legend')} <Link to="/impact">{t('nav.impact')} →</Link>
          </p>
          <section className="card" aria-labelledby="lineage-list-title">
            <h2 id="lineage-list-title">{t('lineage.asList')}</h2>
            <p className="muted small">{t('lineage.asListHelp')}</p>
            <ul className="lineage-list" data-testid="lineage-list">
              {flow.listed.map((node) => (
                <li key={node.id}>
                  <button
                    type="button"
                    className="link-button"
                    aria-pressed={selected === node.id}
                    onClick={() => setSelected(node.id)}
                    onKeyDown={(event) => {
                      const items = [...(event.currentTarget.closest('ul')?.querySelectorAll('button') ?? [])]
                      const at = items.indexOf(event.currentTarget)
                      const next =
                        event.key === 'ArrowDown'
                          ? items[at + 1]
                          : event.key === 'ArrowUp'
                            ? items[at - 1]
                            : null
                      if (next) {
                        event.preventDefault()
                        next.focus()
                      }
                    }}
                  >
                    {term(node.data.kind)} {nodeLabel(node.data.kind, node.data.label)}
                  </button>{' '}
                  <StatusBadge status={node.data.status} />
                </li>
              ))}
            </ul>
          </section>
        </>
      ) : null}
    </>
  )
}
