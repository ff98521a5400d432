// Formats a rule's hint: prose followed by the Alembic code to write, as markdown.

export function hintWithCode(prose: string, python: string): string {
  return `${prose}\n\n\`\`\`python\n${python.replace(/^\n+|\s+$/g, '')}\n\`\`\``;
}
