import {
  drag as d3drag,
  forceCollide,
  forceLink,
  forceManyBody,
  forceSimulation,
  forceX,
  forceY,
  polygonHull,
  select,
  zoom as d3zoom,
  zoomIdentity,
  type Simulation,
  type SimulationLinkDatum,
  type SimulationNodeDatum,
  type ZoomBehavior,
  type ZoomTransform,
} from 'd3';

/**
 * A canvas force graph for a few thousand elements: d3-force lays out, canvas draws (SVG with 2,000 edges is too
 * slow to drag), ticks are coalesced into one draw per animation frame, and the simulation stops once it settles.
 * Dragging a node pins it where it is dropped; double-click unpins. Framework-free so the benchmark can drive it.
 */

export interface GNode extends SimulationNodeDatum {
  id: string;
  kind: 'container' | 'process' | 'listener' | 'endpoint' | 'service';
  label: string;
  /** Finding colour (CSS colour) or undefined. */
  mark?: string;
  external?: boolean;
  group?: string;
  pinned?: boolean;
}

export interface GEdge extends SimulationLinkDatum<GNode> {
  id: string;
  source: string | GNode;
  target: string | GNode;
  kind: 'owns' | 'listen' | 'connection' | 'selects' | 'allowed';
  direction: string;
  mark?: string;
  count?: number;
}

export interface GGroup {
  id: string;
  name: string;
  members: string[];
}

export interface Palette {
  bg: string;
  fg: string;
  muted: string;
  line: string;
  accent: string;
  container: string;
  process: string;
  listener: string;
  endpoint: string;
  service: string;
  /** Declared NetworkPolicy reachability, drawn dashed. */
  allowed: string;
  external: string;
  inbound: string;
  outbound: string;
  internal: string;
  sel: string;
}

export interface GraphStats {
  /** Time from the last data change until the simulation stopped, in ms (undefined while running). */
  settleMs?: number;
  ticks: number;
  /** Duration of the last canvas draw, in ms. */
  lastDrawMs: number;
  draws: number;
  running: boolean;
}

const RADIUS: Record<GNode['kind'], number> = { container: 11, process: 6, listener: 5, endpoint: 7, service: 9 };
const GROUP_FILLS = ['#4ea1ff', '#3fb950', '#d29922', '#a371f7', '#ff7b72', '#39c5cf'];

export class ForceGraph {
  private nodes: GNode[] = [];
  private edges: GEdge[] = [];
  private groups: GGroup[] = [];
  private byId = new Map<string, GNode>();
  private readonly sim: Simulation<GNode, GEdge>;
  private transform: ZoomTransform = zoomIdentity;
  private readonly zoomer: ZoomBehavior<HTMLCanvasElement, unknown>;
  private frame = 0;
  private loop = 0;
  private kickedAt = 0;
  private dataChangedAt = 0;
  private selected: string | undefined;
  private hovered: string | undefined;
  private highlightEdges = new Set<string>();
  private width = 800;
  private height = 600;
  private dpr = 1;
  readonly stats: GraphStats = { ticks: 0, lastDrawMs: 0, draws: 0, running: false };
  onSelect?: (id: string | undefined) => void;
  onSettle?: (stats: GraphStats) => void;
  onPinsChanged?: (pinned: number) => void;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private palette: Palette,
  ) {
    this.sim = forceSimulation<GNode, GEdge>([])
      .force(
        'charge',
        forceManyBody<GNode>()
          .strength((n) => (n.kind === 'container' ? -260 : -60))
          .distanceMax(400)
          .theta(0.9),
      )
      .force(
        'link',
        forceLink<GNode, GEdge>([])
          .id((n) => n.id)
          .distance((e) => (e.kind === 'owns' ? 26 : e.kind === 'listen' ? 18 : 90))
          .strength((e) => (e.kind === 'connection' ? 0.15 : 0.8)),
      )
      .force('collide', forceCollide<GNode>((n) => RADIUS[n.kind] + 3).iterations(1))
      .force('x', forceX<GNode>(0).strength(0.04))
      .force('y', forceY<GNode>(0).strength(0.04))
      .force('group', (alpha: number) => this.groupForce(alpha))
      .alphaDecay(0.045);
    // d3's own timer runs one tick per frame; this view drives the simulation itself to fit several ticks per frame.
    this.sim.stop();

    this.zoomer = d3zoom<HTMLCanvasElement, unknown>()
      .scaleExtent([0.05, 8])
      .filter((ev: Event) => {
        // Dragging a node is a drag, not a pan.
        if (ev.type === 'mousedown' || ev.type === 'touchstart') return !this.nodeAtEvent(ev as MouseEvent);
        return !(ev as MouseEvent).button;
      })
      .on('zoom', (ev: { transform: ZoomTransform }) => {
        this.transform = ev.transform;
        this.requestDraw();
      });
    const sel = select(this.canvas);
    sel.call(this.zoomer).on('dblclick.zoom', null);
    sel.call(
      d3drag<HTMLCanvasElement, unknown, GNode | undefined>()
        .container(this.canvas)
        .subject((ev: { x: number; y: number }) => this.nodeAt(ev.x, ev.y))
        .on('start', (ev: { subject?: GNode; active: number }) => {
          if (!ev.subject) return;
          ev.subject.fx = ev.subject.x;
          ev.subject.fy = ev.subject.y;
        })
        .on('drag', (ev: { subject?: GNode; x: number; y: number }) => {
          if (!ev.subject) return;
          // Only the dragged node moves under the pointer: reheating the whole layout on every pointer move would
          // make each frame cost a simulation tick of every node.
          const [x, y] = this.transform.invert([ev.x, ev.y]);
          ev.subject.fx = ev.subject.x = x;
          ev.subject.fy = ev.subject.y = y;
          this.requestDraw();
        })
        .on('end', (ev: { subject?: GNode; active: number }) => {
          if (!ev.subject) return;
          // Dropped nodes stay where the analyst put them; a short, gentle reheat lets their neighbours follow.
          ev.subject.pinned = true;
          this.sim.alpha(Math.max(this.sim.alpha(), 0.05));
          this.kick();
          this.onPinsChanged?.(this.pinnedCount());
        }),
    );
    sel.on('click.select', (ev: MouseEvent) => {
      const [x, y] = this.pointer(ev);
      const n = this.nodeAt(x, y);
      this.select(n?.id);
      this.onSelect?.(n?.id);
    });
    sel.on('dblclick.unpin', (ev: MouseEvent) => {
      const [x, y] = this.pointer(ev);
      const n = this.nodeAt(x, y);
      if (n) this.unpin(n.id);
    });
    sel.on('mousemove.hover', (ev: MouseEvent) => {
      const [x, y] = this.pointer(ev);
      const id = this.nodeAt(x, y)?.id;
      if (id !== this.hovered) {
        this.hovered = id;
        this.canvas.style.cursor = id ? 'pointer' : 'grab';
        this.requestDraw();
      }
    });
  }

  /** Replaces the data, keeping positions, pins, zoom and selection of nodes that are still there. */
  setData(nodes: GNode[], edges: GEdge[], groups: GGroup[]): void {
    const old = this.byId;
    const groupOf = new Map<string, string>();
    for (const g of groups) for (const m of g.members) if (!groupOf.has(m)) groupOf.set(m, g.id);
    const fresh = nodes.map((n) => {
      const prev = old.get(n.id);
      const group = n.group ?? groupOf.get(n.id);
      if (prev)
        return Object.assign(prev, {
          ...n,
          group,
          x: prev.x,
          y: prev.y,
          vx: prev.vx,
          vy: prev.vy,
          fx: prev.fx,
          fy: prev.fy,
          pinned: prev.pinned,
        });
      return { ...n, group };
    });
    this.byId = new Map(fresh.map((n) => [n.id, n]));
    // New children start next to whoever they are attached to, so the layout settles fast and without flying.
    const anchors = new Map<string, string>();
    for (const e of edges) {
      const s = typeof e.source === 'string' ? e.source : e.source.id;
      const t = typeof e.target === 'string' ? e.target : e.target.id;
      if (!anchors.has(t)) anchors.set(t, s);
      if (!anchors.has(s)) anchors.set(s, t);
    }
    let i = 0;
    for (const n of fresh) {
      if (n.x !== undefined) continue;
      const a = this.byId.get(anchors.get(n.id) ?? '');
      const angle = i++ * 2.399963;
      const r = a?.x !== undefined ? 20 : 30 * Math.sqrt(i);
      n.x = (a?.x ?? 0) + r * Math.cos(angle);
      n.y = (a?.y ?? 0) + r * Math.sin(angle);
    }
    const reusedAll = fresh.length > 0 && fresh.every((n) => old.has(n.id)) && fresh.length === old.size;
    this.nodes = fresh;
    this.edges = edges
      .filter(
        (e) =>
          this.byId.has(typeof e.source === 'string' ? e.source : e.source.id) &&
          this.byId.has(typeof e.target === 'string' ? e.target : e.target.id),
      )
      .map((e) => ({
        ...e,
        source: typeof e.source === 'string' ? e.source : e.source.id,
        target: typeof e.target === 'string' ? e.target : e.target.id,
      }));
    this.groups = groups;
    this.sim.nodes(this.nodes);
    (this.sim.force('link') as ReturnType<typeof forceLink<GNode, GEdge>>).links(this.edges);
    this.dataChangedAt = performance.now();
    this.stats.settleMs = undefined;
    this.stats.running = true;
    // Same nodes as before: a gentle nudge. New layout: a full start.
    this.sim.alpha(reusedAll ? 0.08 : 1);
    this.kick();
    this.requestDraw();
  }

  setPalette(p: Palette): void {
    this.palette = p;
    this.requestDraw();
  }

  resize(width: number, height: number): void {
    this.dpr = window.devicePixelRatio || 1;
    const first = this.width === 800 && this.height === 600 && this.transform === zoomIdentity;
    this.width = Math.max(50, width);
    this.height = Math.max(50, height);
    this.canvas.width = Math.round(this.width * this.dpr);
    this.canvas.height = Math.round(this.height * this.dpr);
    this.canvas.style.width = `${this.width}px`;
    this.canvas.style.height = `${this.height}px`;
    if (first) select(this.canvas).call(this.zoomer.transform, zoomIdentity.translate(this.width / 2, this.height / 2));
    this.requestDraw();
  }

  select(id: string | undefined, edgeIds: string[] = []): void {
    this.selected = id;
    this.highlightEdges = new Set(edgeIds);
    this.requestDraw();
  }

  /** Centres the view on a node without changing the zoom level. */
  centerOn(id: string): void {
    const n = this.byId.get(id);
    if (!n || n.x === undefined || n.y === undefined) return;
    const k = Math.max(this.transform.k, 1);
    select(this.canvas)
      .transition()
      .duration(300)
      .call(
        this.zoomer.transform,
        zoomIdentity.translate(this.width / 2 - n.x * k, this.height / 2 - n.y! * k).scale(k),
      );
  }

  /** Zooms to show every node. */
  fit(): void {
    if (this.nodes.length === 0) return;
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const n of this.nodes) {
      x0 = Math.min(x0, n.x ?? 0);
      y0 = Math.min(y0, n.y ?? 0);
      x1 = Math.max(x1, n.x ?? 0);
      y1 = Math.max(y1, n.y ?? 0);
    }
    const k = Math.min(4, 0.9 / Math.max((x1 - x0 + 40) / this.width, (y1 - y0 + 40) / this.height));
    const t = zoomIdentity
      .translate(this.width / 2 - ((x0 + x1) / 2) * k, this.height / 2 - ((y0 + y1) / 2) * k)
      .scale(k);
    select(this.canvas).transition().duration(300).call(this.zoomer.transform, t);
  }

  unpin(id: string): void {
    const n = this.byId.get(id);
    if (!n) return;
    n.fx = null;
    n.fy = null;
    n.pinned = false;
    this.sim.alpha(0.1);
    this.kick();
    this.stats.running = true;
    this.onPinsChanged?.(this.pinnedCount());
  }

  unpinAll(): void {
    for (const n of this.nodes) {
      n.fx = null;
      n.fy = null;
      n.pinned = false;
    }
    this.sim.alpha(0.3);
    this.kick();
    this.stats.running = true;
    this.onPinsChanged?.(0);
  }

  pinnedCount(): number {
    return this.nodes.filter((n) => n.pinned).length;
  }

  /** Screen position of a node (CSS pixels relative to the canvas), for tests and keyboard focus. */
  screenPosition(id: string): [number, number] | undefined {
    const n = this.byId.get(id);
    if (!n || n.x === undefined || n.y === undefined) return undefined;
    return this.transform.apply([n.x, n.y]);
  }

  nodePosition(id: string): { x: number; y: number; fx?: number | null; pinned?: boolean } | undefined {
    const n = this.byId.get(id);
    return n ? { x: n.x ?? 0, y: n.y ?? 0, fx: n.fx, pinned: n.pinned } : undefined;
  }

  destroy(): void {
    this.sim.stop();
    cancelAnimationFrame(this.frame);
    clearTimeout(this.loop);
    select(this.canvas).on('.zoom', null).on('.drag', null).on('.select', null).on('.unpin', null).on('.hover', null);
  }

  /** Draws now (benchmarks) instead of at the next animation frame. */
  drawNow(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.draw();
  }

  /**
   * Starts the layout loop if it is not running. Ticks run in time slices between tasks, not once per animation
   * frame: on a busy machine frames come slowly and the layout would crawl. Drawing stays on animation frames,
   * at ~10 fps while the layout runs; a dragged node is drawn on every frame by the drag handler.
   */
  private kick(): void {
    this.stats.running = true;
    if (this.loop) return;
    this.kickedAt = performance.now();
    let lastDraw = 0;
    const step = () => {
      const t0 = performance.now();
      do {
        this.sim.tick();
        this.stats.ticks++;
      } while (performance.now() - t0 < 12 && this.sim.alpha() >= this.sim.alphaMin());
      if (this.sim.alpha() < this.sim.alphaMin()) {
        this.loop = 0;
        this.stats.running = false;
        this.stats.settleMs = performance.now() - Math.max(this.dataChangedAt, this.kickedAt);
        this.requestDraw();
        this.onSettle?.(this.stats);
        return;
      }
      if (performance.now() - lastDraw > 100) {
        this.requestDraw();
        lastDraw = performance.now();
      }
      this.loop = setTimeout(step, 0) as unknown as number;
    };
    this.loop = setTimeout(step, 0) as unknown as number;
  }

  private requestDraw(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  /** Members of a Docker network drift toward each other, so shared networks read as clusters. */
  private groupForce(alpha: number): void {
    if (this.groups.length < 2) return;
    const centres = new Map<string, { x: number; y: number; n: number }>();
    for (const n of this.nodes) {
      if (!n.group) continue;
      const c = centres.get(n.group) ?? { x: 0, y: 0, n: 0 };
      c.x += n.x ?? 0;
      c.y += n.y ?? 0;
      c.n++;
      centres.set(n.group, c);
    }
    for (const n of this.nodes) {
      if (!n.group) continue;
      const c = centres.get(n.group)!;
      const pull = (n.kind === 'container' ? 0.12 : 0.04) * alpha;
      n.vx = (n.vx ?? 0) + (c.x / c.n - (n.x ?? 0)) * pull;
      n.vy = (n.vy ?? 0) + (c.y / c.n - (n.y ?? 0)) * pull;
    }
  }

  private pointer(ev: MouseEvent): [number, number] {
    const r = this.canvas.getBoundingClientRect();
    return [ev.clientX - r.left, ev.clientY - r.top];
  }

  private nodeAtEvent(ev: MouseEvent): GNode | undefined {
    const [x, y] = this.pointer(ev);
    return this.nodeAt(x, y);
  }

  private nodeAt(sx: number, sy: number): GNode | undefined {
    const [x, y] = this.transform.invert([sx, sy]);
    const slop = 4 / this.transform.k;
    let best: GNode | undefined;
    let bestD = Infinity;
    for (const n of this.nodes) {
      const d = Math.hypot((n.x ?? 0) - x, (n.y ?? 0) - y);
      if (d < RADIUS[n.kind] + slop && d < bestD) {
        best = n;
        bestD = d;
      }
    }
    return best;
  }

  private draw(): void {
    const t0 = performance.now();
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const { k, x: tx, y: ty } = this.transform;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.fillStyle = this.palette.bg;
    ctx.fillRect(0, 0, this.width, this.height);
    ctx.setTransform(this.dpr * k, 0, 0, this.dpr * k, this.dpr * tx, this.dpr * ty);
    const sel = this.selected;
    const neighbours = this.neighboursOf(sel);
    this.drawHulls(ctx, k);
    this.drawEdges(ctx, sel, k);
    this.drawNodes(ctx, sel, neighbours);
    this.drawRings(ctx, sel, k);
    this.drawLabels(ctx, sel, neighbours, k);
    ctx.globalAlpha = 1;
    this.stats.lastDrawMs = performance.now() - t0;
    this.stats.draws++;
  }

  /** Docker networks: a soft hull behind their members, labelled. */
  private drawHulls(ctx: CanvasRenderingContext2D, k: number): void {
    this.groups.forEach((g, gi) => {
      const pts = g.members
        .map((m) => this.byId.get(m))
        .filter((n): n is GNode => Boolean(n))
        .map((n) => [n.x ?? 0, n.y ?? 0] as [number, number]);
      if (pts.length === 0) return;
      const colour = GROUP_FILLS[gi % GROUP_FILLS.length]!;
      ctx.globalAlpha = 0.08;
      ctx.fillStyle = colour;
      ctx.strokeStyle = colour;
      ctx.lineWidth = 40;
      ctx.lineJoin = 'round';
      const hull = pts.length >= 3 ? polygonHull(pts) : null;
      ctx.beginPath();
      if (hull) {
        ctx.moveTo(hull[0]![0], hull[0]![1]);
        for (const [x, y] of hull.slice(1)) ctx.lineTo(x, y);
        ctx.closePath();
      } else {
        ctx.moveTo(pts[0]![0], pts[0]![1]);
        for (const [x, y] of pts.slice(1)) ctx.lineTo(x, y);
        if (pts.length === 1) ctx.lineTo(pts[0]![0] + 0.1, pts[0]![1]);
      }
      ctx.stroke();
      if (hull) ctx.fill();
      ctx.globalAlpha = 0.75;
      const top = pts.reduce((a, b) => (b[1] < a[1] ? b : a));
      ctx.fillStyle = colour;
      ctx.font = `${11 / Math.max(k, 0.6)}px system-ui, sans-serif`;
      ctx.fillText(`⬡ ${g.name}`, top[0] - 16, top[1] - 26);
      ctx.globalAlpha = 1;
    });
  }

  /** The nodes one edge away from the selection, drawn undimmed beside it. */
  private neighboursOf(sel: string | undefined): Set<string> {
    const neighbours = new Set<string>();
    if (sel) {
      for (const e of this.edges) {
        const s = (e.source as GNode).id;
        const t = (e.target as GNode).id;
        if (s === sel) neighbours.add(t);
        if (t === sel) neighbours.add(s);
      }
    }

    return neighbours;
  }

  /** Edges coloured by kind and direction, dimmed away from the selection, with arrow heads when zoomed in. */
  private drawEdges(ctx: CanvasRenderingContext2D, sel: string | undefined, k: number): void {
    const p = this.palette;
    // Canvas state changes and stroke calls dominate the cost at a few thousand elements: everything below is
    // bucketed by style and drawn with one path per bucket.
    const edgeBuckets = new Map<
      string,
      { colour: string; width: number; alpha: number; dashed: boolean; edges: GEdge[] }
    >();
    const arrowBuckets = new Map<string, GEdge[]>();
    for (const e of this.edges) {
      const s = e.source as GNode;
      const t = e.target as GNode;
      const lit = (sel !== undefined && (s.id === sel || t.id === sel)) || this.highlightEdges.has(e.id);
      const dim = sel !== undefined && !lit;
      const alpha = dim ? 0.15 : e.kind === 'owns' ? 0.45 : 0.9;
      const colour =
        e.mark ??
        (e.kind === 'owns'
          ? p.line
          : e.kind === 'listen'
            ? p.listener
            : e.kind === 'selects'
              ? p.service
              : e.kind === 'allowed'
                ? p.allowed
                : e.direction === 'inbound'
                  ? p.inbound
                  : e.direction === 'internal'
                    ? p.internal
                    : p.outbound);
      const dashed = e.kind === 'allowed';
      const width =
        Math.round(
          ((lit ? 2.5 : e.kind === 'connection' ? 1.2 + Math.min(3, Math.log2(e.count ?? 1)) : 0.8) / Math.sqrt(k)) * 4,
        ) / 4;
      const key = `${colour}|${width}|${alpha}|${dashed}`;
      const b = edgeBuckets.get(key) ?? { colour, width, alpha, dashed, edges: [] };
      b.edges.push(e);
      edgeBuckets.set(key, b);
      if ((e.kind === 'connection' || e.kind === 'allowed') && k > 0.5 && !dim)
        arrowBuckets.set(colour, [...(arrowBuckets.get(colour) ?? []), e]);
    }
    for (const b of edgeBuckets.values()) {
      ctx.globalAlpha = b.alpha;
      ctx.strokeStyle = b.colour;
      ctx.lineWidth = b.width;
      ctx.setLineDash(b.dashed ? [4 / Math.sqrt(k), 3 / Math.sqrt(k)] : []);
      ctx.beginPath();
      for (const e of b.edges) {
        const s = e.source as GNode;
        const t = e.target as GNode;
        ctx.moveTo(s.x ?? 0, s.y ?? 0);
        ctx.lineTo(t.x ?? 0, t.y ?? 0);
      }
      ctx.stroke();
    }
    ctx.setLineDash([]);
    ctx.globalAlpha = 0.9;
    for (const [colour, list] of arrowBuckets) {
      ctx.fillStyle = colour;
      ctx.beginPath();
      for (const e of list) this.arrow(ctx, e.source as GNode, e.target as GNode);
      ctx.fill();
    }
  }

  /** Nodes: shape by kind, ring for findings, dot when pinned; one path per colour. */
  private drawNodes(ctx: CanvasRenderingContext2D, sel: string | undefined, neighbours: Set<string>): void {
    const p = this.palette;
    const nodeBuckets = new Map<string, { fill: string; alpha: number; nodes: GNode[] }>();
    const markBuckets = new Map<string, GNode[]>();
    const pinnedNodes: GNode[] = [];
    for (const n of this.nodes) {
      const dim = sel !== undefined && n.id !== sel && !neighbours.has(n.id);
      const fill = n.kind === 'endpoint' ? (n.external ? p.external : p.endpoint) : p[n.kind];
      const key = `${fill}|${dim ? 1 : 0}`;
      const b = nodeBuckets.get(key) ?? { fill, alpha: dim ? 0.25 : 1, nodes: [] };
      b.nodes.push(n);
      nodeBuckets.set(key, b);
      if (n.mark) markBuckets.set(n.mark, [...(markBuckets.get(n.mark) ?? []), n]);
      if (n.pinned) pinnedNodes.push(n);
    }
    for (const b of nodeBuckets.values()) {
      ctx.globalAlpha = b.alpha;
      ctx.fillStyle = b.fill;
      ctx.beginPath();
      for (const n of b.nodes) {
        const r = RADIUS[n.kind];
        const x = n.x ?? 0;
        const y = n.y ?? 0;
        if (n.kind === 'listener') ctx.rect(x - r, y - r, r * 2, r * 2);
        else if (n.kind === 'endpoint') this.diamond(ctx, x, y, r + 1);
        else if (n.kind === 'service') {
          ctx.moveTo(x, y - r);
          ctx.lineTo(x + r, y + r * 0.8);
          ctx.lineTo(x - r, y + r * 0.8);
          ctx.closePath();
        } else {
          ctx.moveTo(x + r, y);
          ctx.arc(x, y, r, 0, Math.PI * 2);
        }
      }
      ctx.fill();
    }
    ctx.globalAlpha = 1;
    ctx.lineWidth = 3;
    for (const [colour, list] of markBuckets) {
      ctx.strokeStyle = colour;
      ctx.beginPath();
      for (const n of list) {
        const r = RADIUS[n.kind] + 4;
        ctx.moveTo((n.x ?? 0) + r, n.y ?? 0);
        ctx.arc(n.x ?? 0, n.y ?? 0, r, 0, Math.PI * 2);
      }
      ctx.stroke();
    }
    if (pinnedNodes.length) {
      ctx.fillStyle = p.fg;
      ctx.beginPath();
      for (const n of pinnedNodes) {
        const r = RADIUS[n.kind];
        ctx.moveTo((n.x ?? 0) + r * 0.8 + 2.2, (n.y ?? 0) - r * 0.8);
        ctx.arc((n.x ?? 0) + r * 0.8, (n.y ?? 0) - r * 0.8, 2.2, 0, Math.PI * 2);
      }
      ctx.fill();
    }
  }

  /** The accent ring around the selected and the hovered node. */
  private drawRings(ctx: CanvasRenderingContext2D, sel: string | undefined, k: number): void {
    for (const id of [sel, this.hovered]) {
      const n = id ? this.byId.get(id) : undefined;
      if (!n) continue;
      ctx.strokeStyle = this.palette.accent;
      ctx.lineWidth = 2 / k;
      ctx.beginPath();
      ctx.arc(n.x ?? 0, n.y ?? 0, RADIUS[n.kind] + 7, 0, Math.PI * 2);
      ctx.stroke();
    }
  }

  /**
   * Labels: only on screen, only when readable; containers first. fillText draws pixels, so a hostile name can
   * never become markup.
   */
  private drawLabels(ctx: CanvasRenderingContext2D, sel: string | undefined, neighbours: Set<string>, k: number): void {
    const p = this.palette;
    const showLabels = k > 0.7 || this.nodes.length < 80;
    if (showLabels) {
      const [vx0, vy0] = this.transform.invert([0, 0]);
      const [vx1, vy1] = this.transform.invert([this.width, this.height]);
      const many = this.nodes.length > 300 && k < 1.5;
      for (const kind of ['container', 'service', 'listener', 'endpoint', 'process'] as const) {
        ctx.font = `${kind === 'container' ? '600 ' : ''}${(kind === 'container' ? 12 : 10) / Math.max(k, 0.8)}px system-ui, sans-serif`;
        ctx.fillStyle = kind === 'container' ? p.fg : p.muted;
        for (const n of this.nodes) {
          if (n.kind !== kind) continue;
          const x = n.x ?? 0;
          const y = n.y ?? 0;
          if (x < vx0 - 50 || x > vx1 || y < vy0 || y > vy1 + 20) continue;
          const focus = n.id === sel || neighbours.has(n.id);
          if (!focus && sel !== undefined && this.nodes.length > 80) continue;
          if (!focus && ((kind === 'process' && k <= 1.1) || (many && kind !== 'container'))) continue;
          ctx.globalAlpha = sel !== undefined && !focus ? 0.35 : 1;
          ctx.fillText(n.label.length > 40 ? `${n.label.slice(0, 39)}…` : n.label, x + RADIUS[kind] + 4, y + 4);
        }
      }
    }
  }

  /** Adds an arrow head at the target end of an edge to the current path. */
  private arrow(ctx: CanvasRenderingContext2D, s: GNode, t: GNode): void {
    const dx = (t.x ?? 0) - (s.x ?? 0);
    const dy = (t.y ?? 0) - (s.y ?? 0);
    const len = Math.hypot(dx, dy);
    if (len < 1) return;
    const r = RADIUS[t.kind] + 3;
    const ex = (t.x ?? 0) - (dx / len) * r;
    const ey = (t.y ?? 0) - (dy / len) * r;
    const a = Math.atan2(dy, dx);
    ctx.moveTo(ex, ey);
    ctx.lineTo(ex - 7 * Math.cos(a - 0.4), ey - 7 * Math.sin(a - 0.4));
    ctx.lineTo(ex - 7 * Math.cos(a + 0.4), ey - 7 * Math.sin(a + 0.4));
    ctx.closePath();
  }

  private diamond(ctx: CanvasRenderingContext2D, x: number, y: number, r: number): void {
    ctx.moveTo(x, y - r);
    ctx.lineTo(x + r, y);
    ctx.lineTo(x, y + r);
    ctx.lineTo(x - r, y);
    ctx.closePath();
  }
}
