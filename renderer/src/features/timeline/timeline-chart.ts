import {
  axisBottom,
  brushX,
  scaleTime,
  select,
  timeFormat,
  zoom as d3zoom,
  zoomIdentity,
  type BrushBehavior,
  type Selection,
  type ZoomBehavior,
  type ZoomTransform,
} from 'd3';
import { LANES, type Lane, type TimelineItem } from './timeline-items.js';

// 24-hour ticks, as the event list prints times; d3's default mixes 12-hour labels with AM/PM.
const fmtDay = timeFormat('%b %d');
const fmtMinute = timeFormat('%H:%M');
const fmtSecond = timeFormat('%H:%M:%S');
const fmtMilli = timeFormat('%H:%M:%S.%L');
function axisTime(d: Date): string {
  if (d.getMilliseconds()) return fmtMilli(d);
  if (d.getSeconds()) return fmtSecond(d);
  if (d.getHours() || d.getMinutes()) return fmtMinute(d);
  return fmtDay(d);
}

/**
 * The timeline drawing: one lane per source on a shared time axis that zooms and pans (wheel, drag), with a
 * context strip below whose brush picks the time range the other views filter by. Imperative d3 so a zoom only
 * moves marks instead of re-rendering thousands of elements through React.
 */

const LANE_H = 30;
const LEFT = 150;
const TOP = 6;
const AXIS_H = 22;
const CONTEXT_H = 34;

export interface ChartCallbacks {
  onSelect(item: TimelineItem | undefined): void;
  onBrush(range: [number, number] | undefined): void;
}

export class TimelineChart {
  private readonly svg: Selection<SVGSVGElement, unknown, null, undefined>;
  private readonly marks: Selection<SVGGElement, unknown, null, undefined>;
  private readonly axisG: Selection<SVGGElement, unknown, null, undefined>;
  private readonly ctxG: Selection<SVGGElement, unknown, null, undefined>;
  private readonly brushG: Selection<SVGGElement, unknown, null, undefined>;
  private readonly zoomer: ZoomBehavior<SVGSVGElement, unknown>;
  private readonly brusher: BrushBehavior<unknown>;
  private base = scaleTime();
  private transform: ZoomTransform = zoomIdentity;
  private items: TimelineItem[] = [];
  private lanes: Lane[] = LANES.map((l) => l.id);
  private width = 800;
  private selectedId: string | undefined;
  private brushing = false;

  constructor(
    private readonly el: SVGSVGElement,
    private readonly cb: ChartCallbacks,
  ) {
    this.svg = select(el);
    this.svg.selectAll('*').remove();
    const defs = this.svg.append('defs');
    defs.append('clipPath').attr('id', 'tl-clip').append('rect').attr('class', 'tl-clip-rect');
    this.svg.append('g').attr('class', 'tl-lanes');
    this.marks = this.svg.append('g').attr('class', 'tl-marks').attr('clip-path', 'url(#tl-clip)');
    this.axisG = this.svg.append('g').attr('class', 'tl-axis');
    this.ctxG = this.svg.append('g').attr('class', 'tl-context');
    this.brushG = this.svg.append('g').attr('class', 'tl-brush');
    this.zoomer = d3zoom<SVGSVGElement, unknown>()
      .scaleExtent([1, 100_000])
      .filter((ev: Event) => {
        // The context strip belongs to the brush.
        const y = (ev as MouseEvent).offsetY;
        return !(ev as MouseEvent).button && !(typeof y === 'number' && y > this.mainHeight());
      })
      .on('zoom', (ev: { transform: ZoomTransform }) => {
        this.transform = ev.transform;
        this.renderMarks();
      });
    this.svg.call(this.zoomer).on('dblclick.zoom', null);
    this.brusher = brushX<unknown>().on('end', (ev: { selection: [number, number] | null; sourceEvent?: Event }) => {
      if (this.brushing) return;
      if (!ev.selection) return this.cb.onBrush(undefined);
      const [a, b] = ev.selection.map((x) => this.base.invert(x).getTime()) as [number, number];
      this.cb.onBrush([a, b]);
    });
  }

  /** New data or window: keeps the zoomed time span when it still lies in the window. */
  setData(items: TimelineItem[], domain: [number, number], lanes: Lane[]): void {
    const zoomed = this.zoomedDomain();
    const sameWindow = this.base.domain()[0]?.getTime() === domain[0];
    this.items = items;
    this.lanes = lanes;
    this.base = scaleTime()
      .domain(domain)
      .range([LEFT, this.width - 8]);
    this.layout();
    if (zoomed && this.transform.k > 1 && zoomed[0] >= domain[0] && zoomed[1] <= domain[1])
      this.zoomTo(zoomed[0], zoomed[1], false);
    else if (!sameWindow) this.svg.call(this.zoomer.transform, zoomIdentity);
    this.renderMarks();
    this.renderContext();
  }

  resize(width: number): void {
    const zoomed = this.zoomedDomain();
    this.width = Math.max(300, width);
    this.base.range([LEFT, this.width - 8]);
    this.layout();
    if (zoomed && this.transform.k > 1) this.zoomTo(zoomed[0], zoomed[1], false);
    this.renderMarks();
    this.renderContext();
  }

  select(id: string | undefined): void {
    this.selectedId = id;
    this.marks.selectAll<SVGElement, TimelineItem>('.tl-mark').classed('selected', (d) => d.id === id);
  }

  /** Shows [from, to] across the whole width. */
  zoomTo(from: number, to: number, animate = true): void {
    const [r0, r1] = this.base.range() as [number, number];
    const x0 = this.base(from);
    const x1 = this.base(to);
    if (!(x1 > x0)) return;
    const k = Math.min(100_000, (r1 - r0) / (x1 - x0));
    const t = zoomIdentity.translate(r0, 0).scale(k).translate(-x0, 0);
    if (animate) this.svg.transition().duration(350).call(this.zoomer.transform, t);
    else this.svg.call(this.zoomer.transform, t);
  }

  resetZoom(): void {
    this.svg.transition().duration(300).call(this.zoomer.transform, zoomIdentity);
  }

  /** Moves the brush to a range (or clears it) without reporting it back. */
  setBrush(range: [number, number] | undefined): void {
    this.brushing = true;
    if (range)
      this.brushG.call(this.brusher.move, [
        Math.max(LEFT, this.base(range[0])),
        Math.min(this.width - 8, this.base(range[1])),
      ]);
    else this.brushG.call(this.brusher.move, null);
    this.brushing = false;
  }

  height(): number {
    return this.mainHeight() + CONTEXT_H + 8;
  }

  destroy(): void {
    this.svg.on('.zoom', null);
    this.svg.selectAll('*').remove();
  }

  private mainHeight(): number {
    return TOP + this.lanes.length * LANE_H + AXIS_H;
  }

  private zoomedDomain(): [number, number] | undefined {
    if (this.base.domain().length < 2) return undefined;
    const d = this.transform.rescaleX(this.base).domain();
    return [d[0]!.getTime(), d[1]!.getTime()];
  }

  private layout(): void {
    const h = this.height();
    this.svg.attr('width', this.width).attr('height', h).attr('viewBox', `0 0 ${this.width} ${h}`);
    this.svg
      .select('.tl-clip-rect')
      .attr('x', LEFT)
      .attr('y', 0)
      .attr('width', Math.max(0, this.width - LEFT - 8))
      .attr('height', this.mainHeight());
    const lanes = this.svg.select('.tl-lanes');
    const rows = lanes.selectAll<SVGGElement, Lane>('g.tl-lane').data(this.lanes, (d) => d);
    rows.exit().remove();
    const enter = rows.enter().append('g').attr('class', 'tl-lane');
    enter.append('rect').attr('class', 'tl-lane-bg');
    enter.append('text').attr('class', 'tl-lane-label');
    const all = enter.merge(rows);
    all.attr('transform', (_d, i) => `translate(0,${TOP + i * LANE_H})`);
    all
      .select('rect')
      .attr('x', 0)
      .attr('y', 0)
      .attr('width', this.width)
      .attr('height', LANE_H - 2)
      .attr('class', (_d, i) => `tl-lane-bg ${i % 2 ? 'odd' : ''}`);
    // Lane names are ours, not the container's; text() keeps any string inert regardless.
    const counts = new Map<Lane, number>();
    for (const i of this.items) counts.set(i.lane, (counts.get(i.lane) ?? 0) + 1);
    all
      .select('text')
      .attr('x', 8)
      .attr('y', LANE_H / 2 + 3)
      .text((d) => `${LANES.find((l) => l.id === d)?.label ?? d} (${counts.get(d) ?? 0})`);
    this.axisG.attr('transform', `translate(0,${TOP + this.lanes.length * LANE_H})`);
    this.ctxG.attr('transform', `translate(0,${this.mainHeight() + 4})`);
    this.brushG.attr('transform', `translate(0,${this.mainHeight() + 4})`);
    this.brusher.extent([
      [LEFT, 0],
      [this.width - 8, CONTEXT_H],
    ]);
    this.brushG.call(this.brusher);
  }

  private renderMarks(): void {
    const x = this.transform.rescaleX(this.base);
    this.axisG.call(
      axisBottom<Date>(x)
        .ticks(Math.max(2, Math.floor((this.width - LEFT) / 110)))
        .tickFormat(axisTime)
        .tickSizeOuter(0),
    );
    const laneIndex = new Map(this.lanes.map((l, i) => [l, i]));
    const [d0, d1] = x.domain().map((d) => d.getTime()) as [number, number];
    // Only marks in (or next to) the visible span are in the DOM: zoomed-in views stay light with thousands of items.
    const pad = (d1 - d0) * 0.05;
    const shown = this.items.filter((i) => laneIndex.has(i.lane) && i.time >= d0 - pad && i.time <= d1 + pad);
    const sel = this.marks.selectAll<SVGGElement, TimelineItem>('g.tl-mark').data(shown, (d) => d.id);
    sel.exit().remove();
    const enter = sel
      .enter()
      .append('g')
      .attr('class', (d) => `tl-mark lane-${d.lane}${d.loud ? ' loud' : ''}${d.severity ? ` sev-${d.severity}` : ''}`)
      .attr('tabindex', -1)
      .on('click', (ev: MouseEvent, d) => {
        ev.stopPropagation();
        this.select(d.id);
        this.cb.onSelect(d);
      });
    enter
      .append('title')
      .text(
        (d) =>
          `${new Date(d.time).toISOString()}  ${d.label}${d.actor ? `  (${d.actor})` : ''}${d.detail ? `\n${d.detail}` : ''}`,
      );
    enter.append('rect').attr('class', 'tl-hit').attr('x', -4).attr('y', -10).attr('width', 8).attr('height', 20);
    enter
      .append('path')
      .attr('class', 'tl-shape')
      .attr('d', (d) =>
        d.lane === 'findings'
          ? 'M0,-7L7,0L0,7L-7,0Z'
          : d.lane === 'exec'
            ? 'M-4,-7L4,-7L4,7L-4,7Z'
            : 'M-1.5,-8L1.5,-8L1.5,8L-1.5,8Z',
      );
    const all = enter.merge(sel);
    all
      .attr(
        'transform',
        (d) => `translate(${x(d.time)},${TOP + (laneIndex.get(d.lane) ?? 0) * LANE_H + (LANE_H - 2) / 2})`,
      )
      .classed('selected', (d) => d.id === this.selectedId);
  }

  /** Density bars of the whole window under the brush, so quiet and busy periods show at a glance. */
  private renderContext(): void {
    const [r0, r1] = this.base.range() as [number, number];
    const bins = Math.max(10, Math.floor((r1 - r0) / 4));
    const counts = new Array<number>(bins).fill(0);
    const [t0, t1] = this.base.domain().map((d) => d.getTime()) as [number, number];
    for (const i of this.items) {
      const b = Math.floor(((i.time - t0) / Math.max(1, t1 - t0)) * bins);
      if (b >= 0 && b < bins) counts[b]!++;
    }
    const max = Math.max(1, ...counts);
    const bw = (r1 - r0) / bins;
    this.ctxG.selectAll('*').remove();
    this.ctxG
      .append('rect')
      .attr('class', 'tl-context-bg')
      .attr('x', r0)
      .attr('y', 0)
      .attr('width', r1 - r0)
      .attr('height', CONTEXT_H);
    this.ctxG
      .selectAll('rect.tl-bin')
      .data(counts)
      .enter()
      .append('rect')
      .attr('class', 'tl-bin')
      .attr('x', (_d, i) => r0 + i * bw)
      .attr('width', Math.max(1, bw - 0.5))
      .attr('y', (d) => CONTEXT_H - (d / max) * (CONTEXT_H - 4))
      .attr('height', (d) => (d / max) * (CONTEXT_H - 4));
    this.ctxG
      .append('text')
      .attr('class', 'tl-context-label')
      .attr('x', 8)
      .attr('y', CONTEXT_H / 2 + 3)
      .text('Range (brush)');
  }
}
