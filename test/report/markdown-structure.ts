// A small CommonMark-aware scanner for the hostile-input tests: finds fenced code blocks the way a renderer does
// (a fence closes only with a line of at least as many of the same character), and what lies outside them.

export interface Scanned {
  /** Lines outside fenced code blocks. */
  outside: string[];
  /** Fenced blocks that were opened and never closed (a break-out would leave one). */
  unclosed: number;
  blocks: number;
}

export function scanFences(markdown: string): Scanned {
  const outside: string[] = [];
  let open: { char: string; length: number } | null = null;
  let blocks = 0;
  for (const line of markdown.split('\n')) {
    const stripped = line.replace(/^ {0,3}/, '').replace(/^(?: {2})+/, '');
    if (open) {
      const close = /^(`{3,}|~{3,})\s*$/.exec(stripped.trimStart());
      if (close && close[1]![0] === open.char && close[1]!.length >= open.length) open = null;
      continue;
    }
    const fence = /^(`{3,}|~{3,})(.*)$/.exec(stripped.trimStart());
    if (fence && !(fence[1]![0] === '`' && fence[2]!.includes('`'))) {
      open = { char: fence[1]![0]!, length: fence[1]!.length };
      blocks++;
      continue;
    }
    outside.push(line);
  }
  return { outside, unclosed: open ? 1 : 0, blocks };
}

/** Raw HTML tags outside code blocks, e.g. ['<details>', '</summary>']. */
export function htmlTags(lines: string[]): string[] {
  return lines.flatMap((l) => l.match(/<\/?[A-Za-z][^\s>]*[^>]*>|<!--/g) ?? []);
}
