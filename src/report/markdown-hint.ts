// A finding's hint as Markdown: prose escaped (its `code spans` kept as code), its own fenced blocks re-fenced so
// nothing inside can escape. Long hints repeated across findings are shown once per render (HintBook).

import { codeBlock, escapeInline, escapeParagraph, inlineCode } from './markdown-escape.ts';
import type { Finding } from './model.ts';

/** One paragraph of hint prose: its `code spans` stay code (escaped inside <code>), the rest is escaped text. */
function proseWithCode(text: string): string {
  const parts: string[] = [];
  let last = 0;
  for (const m of text.matchAll(/(?<!`)(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g)) {
    parts.push(last === 0 ? escapeParagraph(text.slice(0, m.index)) : escapeInline(text.slice(last, m.index)));
    parts.push(inlineCode(m[2]!.trim()));
    last = m.index! + m[0].length;
  }
  parts.push(last === 0 ? escapeParagraph(text) : escapeInline(text.slice(last)));
  return parts.join('');
}

/** A hint as Markdown blocks: prose paragraphs and fenced code. */
export function renderHint(hint: string): string {
  const out: string[] = [];
  const lines = hint.replace(/\r\n?/g, '\n').split('\n');
  let prose: string[] = [];
  const flushProse = () => {
    const text = prose.join(' ').trim();
    if (text) out.push(proseWithCode(text));
    prose = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*(`{3,}|~{3,})\s*([\w+-]*)\s*$/.exec(lines[i]!);
    if (!open) {
      if (lines[i]!.trim() === '') flushProse();
      else prose.push(lines[i]!);
      continue;
    }
    const fence = open[1]!;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = lines[j]!.trim();
      if (close.length >= fence.length && close === fence[0]!.repeat(close.length)) break;
      body.push(lines[j]!);
    }
    flushProse();
    out.push(codeBlock(body.join('\n'), open[2] || ''));
    i = j;
  }
  flushProse();
  return out.join('\n\n');
}

/** A hint this long is shown once per report; the other findings with the same hint point back to it. */
export function isLongHint(hint: string): boolean {
  return hint.split('\n').length > 6 || hint.length > 400;
}

export type HintUse = { show: 'full'; more: number } | { show: 'reference'; first: Finding } | { show: 'none' };

/** Decides, for one rendering, where each long hint is shown in full: at its first finding, in rendering order. */
export class HintBook {
  private readonly groups = new Map<string, Finding[]>();
  private readonly shown = new Map<string, Finding>();

  constructor(findings: readonly Finding[]) {
    for (const f of findings) {
      if (!f.hint || !isLongHint(f.hint)) continue;
      const key = `${f.code}\u0000${f.hint}`;
      this.groups.set(key, [...(this.groups.get(key) ?? []), f]);
    }
  }

  use(f: Finding): HintUse {
    if (!f.hint) return { show: 'none' };
    const key = `${f.code}\u0000${f.hint}`;
    const group = this.groups.get(key);
    if (!group) return { show: 'full', more: 0 };
    const first = this.shown.get(key);
    if (first && first !== f) return { show: 'reference', first };
    this.shown.set(key, f);
    return { show: 'full', more: group.length - 1 };
  }
}
