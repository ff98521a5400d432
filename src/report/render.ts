// One entry for rendering a saved report in any format (`alembic-preflight render --format ... report.json`).
// Pure: report → string; the formats are the reporters' own, with their defaults.

import { renderJson } from './json.ts';
import { renderMarkdown } from './markdown.ts';
import type { Report } from './model.ts';
import { renderSarif } from './sarif.ts';
import { renderText, type TextOptions } from './text.ts';

export type RenderFormat = 'text' | 'json' | 'markdown' | 'sarif';
export const RENDER_FORMATS: RenderFormat[] = ['text', 'json', 'markdown', 'sarif'];

export function renderReport(report: Report, format: RenderFormat, text: TextOptions = {}): string {
  switch (format) {
    case 'text':
      return renderText(report, text);
    case 'json':
      return renderJson(report);
    case 'markdown':
      return renderMarkdown(report, { variant: 'comment' });
    case 'sarif':
      return `${JSON.stringify(renderSarif(report), null, 2)}\n`;
  }
}
