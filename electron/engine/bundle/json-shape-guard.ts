/** Limits on the shape of a JSON document, checked on its bytes before anything parses it. */
export interface JsonShapeLimits {
  /** Nesting of arrays and objects. */
  depth: number;
  /** Members of any one array or object. */
  members: number;
  /** Arrays, objects and members in the whole document. */
  values: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = new Set([0x5b, 0x7b]);
const CLOSE = new Set([0x5d, 0x7d]);
const COMMA = 0x2c;

/**
 * Follows a JSON document chunk by chunk as it streams in and throws as soon as it nests too deep, holds an array
 * or object with too many members, or too many values overall: JSON.parse of 60 MB of `[[],[],…]` builds tens of
 * millions of objects, so such a document must be refused from its first megabytes, before it is buffered whole.
 * It tracks only strings, brackets and commas; whether the document is valid JSON is JSON.parse's job afterwards.
 */
export class JsonShapeGuard {
  private inString = false;
  private escaped = false;
  private readonly counts: number[] = [];
  private values = 0;

  constructor(
    private readonly limits: JsonShapeLimits,
    private readonly fail: (why: string) => Error,
  ) {}

  push(chunk: Buffer): void {
    const { limits } = this;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === BACKSLASH) this.escaped = true;
        else if (b === QUOTE) this.inString = false;
        continue;
      }
      if (b === QUOTE) this.inString = true;
      else if (OPEN.has(b)) {
        if (this.counts.length >= limits.depth) throw this.fail(`nests deeper than ${limits.depth} levels`);
        this.counts.push(0);
        if (++this.values > limits.values) throw this.fail(`holds more than ${limits.values} values`);
      } else if (CLOSE.has(b)) this.counts.pop();
      else if (b === COMMA && this.counts.length) {
        const top = this.counts.length - 1;
        if (++this.counts[top]! >= limits.members)
          throw this.fail(`has an array or object of more than ${limits.members} members`);
        if (++this.values > limits.values) throw this.fail(`holds more than ${limits.values} values`);
      }
    }
  }
}
